package dev.resilience.timeouts.autoconfigure;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Keeps the starter's timeout defaults behind the {@code @PropertySource} files of the application, and derived from
 * the {@code resilience.timeouts.*} values those files set.
 *
 * <p>{@link TimeoutDefaultsEnvironmentPostProcessor} adds the defaults last, but {@code @PropertySource} files are
 * added later, while configuration classes are parsed, and each is added last too: below the defaults, and unseen when
 * the defaults were derived. So once the configuration classes are parsed (a bean factory post-processor of the
 * context, which runs after {@code ConfigurationClassPostProcessor} and before any bean is created; in AOT mode the
 * generated initializer has added the files before), the defaults are derived again from the complete environment
 * and added at the end. Spring Boot then moves {@code defaultProperties} behind them; the keys it sets are left out of
 * the defaults.
 */
public class TimeoutDefaultsOrderingInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.addBeanFactoryPostProcessor(new RederiveDefaults(context));
	}

	private record RederiveDefaults(ConfigurableApplicationContext context) implements BeanFactoryPostProcessor {

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			TimeoutDefaultsEnvironmentPostProcessor.addDefaults(this.context.getEnvironment());
		}

	}

}
