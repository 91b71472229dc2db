package dev.resilience.sample.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.sample.SampleApplication;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sample's Prometheus registry scraped without pause from the moment it exists, through startup, while the
 * application serves and while it closes, both directly and through {@code /actuator/prometheus}: no scrape throws,
 * no gauge fails, and the endpoint never answers with a server error.
 */
@ExtendWith(OutputCaptureExtension.class)
class ScrapeDuringStartupAndShutdownTests {

	@Test
	void scrapesDuringStartupAndShutdownNeverFail(CapturedOutput output) {
		assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
			Scraper scraper = new Scraper();
			SpringApplication application = new SpringApplication(SampleApplication.class);
			application.addInitializers((context) -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof PrometheusMeterRegistry registry) {
						scraper.scrapeRegistry(registry);
					}
					return bean;
				}

			}));
			ConfigurableApplicationContext context = application.run("--server.port=0",
					"--server.address=127.0.0.1", "--spring.main.banner-mode=off");
			int scrapesDuringStartup = scraper.registryScrapes.get();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			scraper.scrapeEndpoint(port);
			while (scraper.endpointScrapes.get() < 5) {
				Thread.sleep(20);
			}
			assertThat(scraper.lastEndpointBody).contains("resilience_shedding_pressure",
					"resilience_etag_not_modified_total{", "resilience_timeouts_over_limit{",
					"resilience_self_healing_fatal");
			int scrapesBeforeClose = scraper.registryScrapes.get();
			context.close();
			int scrapesAfterClose = scraper.registryScrapes.get() + 5;
			while (scraper.registryScrapes.get() < scrapesAfterClose) {
				Thread.sleep(20);
			}
			scraper.stop();
			assertThat(scraper.failures).isEmpty();
			assertThat(scrapesDuringStartup).isPositive();
			assertThat(scraper.registryScrapes.get()).isGreaterThan(scrapesBeforeClose);
			assertThat(scraper.endpointStatuses).allSatisfy((status) -> assertThat(status).isIn(200, 503));
			assertThat(output.getAll()).doesNotContain("Failed to apply the value function");
		});
	}

	static final class Scraper {

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicInteger registryScrapes = new AtomicInteger();

		final AtomicInteger endpointScrapes = new AtomicInteger();

		final List<Integer> endpointStatuses = new CopyOnWriteArrayList<>();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		volatile String lastEndpointBody = "";

		void scrapeRegistry(PrometheusMeterRegistry registry) {
			start("registry-scraper", () -> {
				try {
					registry.scrape();
					registry.getMeters().forEach((meter) -> meter.measure().forEach((m) -> m.getValue()));
					this.registryScrapes.incrementAndGet();
				}
				catch (Throwable ex) {
					this.failures.add(ex);
				}
			});
		}

		void scrapeEndpoint(int port) {
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
				.timeout(Duration.ofSeconds(5))
				.build();
			start("endpoint-scraper", () -> {
				try {
					HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
					this.endpointStatuses.add(response.statusCode());
					if (response.statusCode() == 200) {
						this.lastEndpointBody = response.body();
					}
					this.endpointScrapes.incrementAndGet();
				}
				catch (IOException ex) {
					// refused or reset once the server has stopped
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}

		private void start(String name, Runnable scrape) {
			Thread thread = new Thread(() -> {
				while (this.running.get() && !Thread.currentThread().isInterrupted()) {
					scrape.run();
				}
			}, name);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

	}

}
