package dev.resilience.test.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} binary to run: the one on the {@code PATH} when there is one, else the binary that
 * {@code com.github.codemonstur:embedded-redis} ships for this operating system and architecture (Redis 6.2 for Linux
 * amd64, arm64 and x86, and macOS amd64 and arm64), extracted once per JVM to an executable temporary file.
 *
 * <p>Immutable; obtain one with {@link #find()}, {@link #onPath()}, {@link #embedded()} or {@link #of(Path)}.
 */
public final class RedisExecutable {

	/** Where a {@code redis-server} binary comes from. */
	public enum Source {

		/** Found on the {@code PATH}. */
		PATH,

		/** Extracted from the {@code embedded-redis} jar on the class path. */
		EMBEDDED,

		/** Named explicitly with {@link #of(Path)}. */
		EXPLICIT

	}

	private static final Pattern VERSION = Pattern.compile("v=(\\S+)");

	private static volatile RedisExecutable embedded;

	private final Path path;

	private final Source source;

	private volatile String version;

	private RedisExecutable(Path path, Source source) {
		this.path = path;
		this.source = source;
	}

	/**
	 * The {@code redis-server} on the {@code PATH} if there is one (usually newer), else the embedded one.
	 * @return the executable to run
	 * @throws IllegalStateException if there is none on the {@code PATH} and none embedded for this platform
	 */
	public static RedisExecutable find() {
		return find(System.getenv("PATH"));
	}

	static RedisExecutable find(@Nullable String searchPath) {
		return onPath(searchPath).orElseGet(RedisExecutable::embedded);
	}

	/**
	 * The first executable {@code redis-server} on the {@code PATH}.
	 * @return the executable, or empty if the {@code PATH} has none
	 */
	public static Optional<RedisExecutable> onPath() {
		return onPath(System.getenv("PATH"));
	}

	static Optional<RedisExecutable> onPath(@Nullable String searchPath) {
		if (searchPath == null) {
			return Optional.empty();
		}
		for (String directory : searchPath.split(Pattern.quote(File.pathSeparator))) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, "redis-server");
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(new RedisExecutable(candidate.toAbsolutePath(), Source.PATH));
			}
		}
		return Optional.empty();
	}

	/**
	 * The binary that {@code embedded-redis} ships for this platform, extracted to a temporary file that is deleted
	 * when the JVM exits. Extracted once per JVM.
	 * @return the executable
	 * @throws IllegalStateException if the jar carries no binary for this platform or is not on the class path
	 */
	public static RedisExecutable embedded() {
		RedisExecutable executable = embedded;
		if (executable == null) {
			synchronized (RedisExecutable.class) {
				executable = embedded;
				if (executable == null) {
					executable = new RedisExecutable(extract(embeddedResource(System.getProperty("os.name"),
							System.getProperty("os.arch"))), Source.EMBEDDED);
					embedded = executable;
				}
			}
		}
		return executable;
	}

	/**
	 * A {@code redis-server} binary at a given path.
	 * @param path the binary
	 * @return the executable
	 */
	public static RedisExecutable of(Path path) {
		if (!Files.isExecutable(path)) {
			throw new IllegalArgumentException("Not an executable file: " + path);
		}
		return new RedisExecutable(path.toAbsolutePath(), Source.EXPLICIT);
	}

	/**
	 * Name of the class-path resource that holds the embedded binary for a platform.
	 * @param osName value of {@code os.name}
	 * @param osArch value of {@code os.arch}
	 * @return the resource name, without a leading slash
	 */
	static String embeddedResource(String osName, String osArch) {
		String os = osName.toLowerCase(Locale.ROOT);
		String arch = osArch.toLowerCase(Locale.ROOT);
		boolean amd64 = arch.equals("amd64") || arch.equals("x86_64");
		boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
		boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i686");
		if (os.startsWith("linux")) {
			if (amd64) {
				return "redis-server-6.2.6-v5-linux-amd64";
			}
			if (arm64) {
				return "redis-server-6.2.7-linux-arm64";
			}
			if (x86) {
				return "redis-server-6.2.7-linux-386";
			}
		}
		if (os.startsWith("mac")) {
			if (amd64) {
				return "redis-server-6.2.6-v5-darwin-amd64";
			}
			if (arm64) {
				return "redis-server-6.2.6-v5-darwin-arm64";
			}
		}
		throw new IllegalStateException("No embedded redis-server for " + osName + " " + osArch
				+ ": put a redis-server on the PATH (Linux and macOS on amd64 and arm64 are covered)");
	}

	private static Path extract(String resource) {
		try (InputStream in = RedisExecutable.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on the PATH and no " + resource
						+ " on the class path: add com.github.codemonstur:embedded-redis or install redis-server");
			}
			Path file = Files.createTempFile("redis-server-", "");
			file.toFile().deleteOnExit();
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
			if (!file.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("Could not make " + file + " executable");
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + resource, ex);
		}
	}

	/**
	 * Path of the binary.
	 * @return the path
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * Where the binary comes from.
	 * @return the source
	 */
	public Source source() {
		return this.source;
	}

	/**
	 * Version the binary reports with {@code --version}, for example {@code 7.0.15}. Run once, then remembered.
	 * @return the version
	 */
	public String version() {
		String version = this.version;
		if (version == null) {
			version = readVersion();
			this.version = version;
		}
		return version;
	}

	private String readVersion() {
		try {
			Process process = new ProcessBuilder(this.path.toString(), "--version").redirectErrorStream(true).start();
			String output;
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
			}
			Matcher matcher = VERSION.matcher(output);
			if (!matcher.find()) {
				throw new IllegalStateException(this.path + " --version printed no version: " + output.strip());
			}
			return matcher.group(1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + this.path + " --version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + this.path + " --version", ex);
		}
	}

	@Override
	public String toString() {
		return "redis-server " + this.path + " (" + this.source.name().toLowerCase(Locale.ROOT) + ")";
	}

}
