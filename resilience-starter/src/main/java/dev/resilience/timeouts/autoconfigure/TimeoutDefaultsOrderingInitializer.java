package dev.resilience.timeouts.autoconfigure;

import dev.resilience.timeouts.TimeoutOrigins;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Keeps the starter's timeout defaults behind the {@code @PropertySource} files of the application.
 *
 * <p>{@link TimeoutDefaultsEnvironmentPostProcessor} adds the defaults last, but {@code @PropertySource} files are
 * added later, while configuration classes are parsed, and each is added last too: below the defaults. So once the
 * configuration classes are parsed (a bean factory post-processor of the context, which runs after
 * {@code ConfigurationClassPostProcessor}; in AOT mode the generated initializer has added them before), the defaults
 * are moved to the end again. Spring Boot then moves {@code defaultProperties} behind them; the keys it sets are
 * already left out of the defaults (see {@link TimeoutDefaultsEnvironmentPostProcessor}).
 */
public class TimeoutDefaultsOrderingInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.addBeanFactoryPostProcessor(new MoveDefaultsToEnd(context));
	}

	private record MoveDefaultsToEnd(ConfigurableApplicationContext context) implements BeanFactoryPostProcessor {

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			MutablePropertySources sources = this.context.getEnvironment().getPropertySources();
			PropertySource<?> defaults = sources.remove(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE);
			if (defaults != null) {
				sources.addLast(defaults);
			}
		}

	}

}
