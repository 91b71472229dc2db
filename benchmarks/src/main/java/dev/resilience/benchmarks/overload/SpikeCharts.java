package dev.resilience.benchmarks.overload;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the run as two PNG charts with XChart: the critical endpoint's p99 over the spike, slice by slice, one line
 * per variant (the run's last round), and the goodput of both endpoints per variant (medians of the rounds).
 */
final class SpikeCharts {

	static final String LATENCY_FILE = "spike-critical-latency.png";

	static final String GOODPUT_FILE = "spike-goodput.png";

	private static final int WIDTH = 960;

	private static final int HEIGHT = 540;

	private final List<VariantResult> results;

	private final Duration slice;

	SpikeCharts(List<VariantResult> results, Duration slice) {
		this.results = results;
		this.slice = slice;
	}

	/**
	 * Write both charts.
	 * @param directory where to write them, created if missing
	 * @return the files written
	 * @throws IOException if a chart cannot be written
	 */
	List<Path> write(Path directory) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Files.createDirectories(directory);
		Path latency = directory.resolve(LATENCY_FILE);
		Path goodput = directory.resolve(GOODPUT_FILE);
		BitmapEncoder.saveBitmap(latencyChart(), latency.toString(), BitmapFormat.PNG);
		BitmapEncoder.saveBitmap(goodputChart(), goodput.toString(), BitmapFormat.PNG);
		return List.of(latency, goodput);
	}

	private XYChart latencyChart() {
		int lastRound = this.results.stream().mapToInt(VariantResult::round).max().orElse(1);
		XYChart chart = new XYChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title("Critical endpoint during the spike: p99 per " + this.slice.toMillis() + " ms (round " + lastRound
					+ ", log scale)")
			.xAxisTitle("seconds into the spike")
			.yAxisTitle("p99 latency, ms")
			.build();
		chart.getStyler().setYAxisLogarithmic(true);
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setMarkerSize(4);
		for (VariantResult result : this.results) {
			if (result.round() != lastRound || result.criticalP99Timeline().length == 0) {
				continue;
			}
			long[] timeline = result.criticalP99Timeline();
			List<Double> seconds = new ArrayList<>();
			List<Double> millis = new ArrayList<>();
			for (int i = 0; i < timeline.length; i++) {
				if (timeline[i] > 0) {
					seconds.add((i + 0.5) * this.slice.toMillis() / 1000.0);
					millis.add(timeline[i] / 1e6);
				}
			}
			chart.addSeries(label(result.variant()), seconds, millis).setMarker(SeriesMarkers.CIRCLE);
		}
		return chart;
	}

	private CategoryChart goodputChart() {
		Map<Variant, List<VariantResult>> byVariant = new EnumMap<>(Variant.class);
		this.results.forEach((result) -> byVariant.computeIfAbsent(result.variant(), (v) -> new ArrayList<>())
			.add(result));
		CategoryChart chart = new CategoryChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title("Goodput during the spike: successful responses per second (median of "
					+ byVariant.values().stream().mapToInt(List::size).max().orElse(1) + " round(s))")
			.xAxisTitle("variant")
			.yAxisTitle("2xx per second")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setLabelsVisible(true);
		chart.getStyler().setXAxisLabelRotation(0);
		List<String> variants = new ArrayList<>();
		List<Long> critical = new ArrayList<>();
		List<Long> expensive = new ArrayList<>();
		byVariant.forEach((variant, rounds) -> {
			variants.add("(" + variant.key() + ")"); // the latency chart's legend says what each key is
			critical.add(Math.round(ResultTable.median(rounds, (r) -> r.critical().goodput())));
			expensive.add(Math.round(ResultTable.median(rounds, (r) -> r.expensive().goodput())));
		});
		SpikeProfile profile = SpikeProfile.LAUNCH_DAY;
		chart.addSeries(String.format("critical (offered %.0f/s)", profile.criticalRate()), variants, critical);
		chart.addSeries(String.format("expensive (offered %.0f/s, the pool serves %.0f/s)",
				profile.expensiveSpikeRate(), profile.poolCapacityRate()), variants, expensive);
		return chart;
	}

	private static String label(Variant variant) {
		return "(" + variant.key() + ") " + variant.description();
	}

}
