package dev.resilience.httpclient;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Runs between the origin and the cache and corrects freshness headers that httpclient5-cache 5.6.3 misreads:
 * <ul>
 * <li>RFC 9111 §5.3: a cache recipient must interpret an invalid {@code Expires} date as a time in the past ("already
 * expired"). The library parses leniently and treats some invalid dates (wrong zone name, dashes in an IMF-fixdate,
 * one-digit hours) as valid future dates, that is, fresh. Any value that is not one of the three HTTP-date forms of
 * RFC 9110 §5.6.7 is replaced by the epoch, so the cache sees an expired response.</li>
 * <li>RFC 9111 §4.2: a cache recipient should match HTTP-dates case-insensitively; the library reads
 * {@code THU, 18 AUG 2050 02:01:18 gmt} as no date at all. A valid {@code Expires} or {@code Date} that is not in the
 * preferred IMF-fixdate form (other letter case, or one of the two obsolete forms, which HttpClient cannot parse
 * either) is rewritten in that form.</li>
 * <li>RFC 9110 §6.6.1: a recipient may replace an invalid {@code Date} with the time the response was received. The
 * library then has no date, so {@code Expires} gives no freshness lifetime; the invalid value is replaced by the
 * time of receipt.</li>
 * <li>RFC 9111 §1.2.2: an {@code Age} too large to represent must be taken as 2147483648 seconds. The library treats
 * an overflowing {@code Age} as unparseable, that is 0, and serves the response as fresh; it is replaced by
 * 2147483648.</li>
 * </ul>
 * It runs only on responses from the origin, never on a cache hit.
 */
final class FreshnessHeaderNormalizer implements ExecChainHandler {

	static final String NAME = "resilience-freshness-headers";

	/** RFC 9111 §1.2.2: the value a cache must use for a delta-seconds value it cannot represent. */
	static final String AGE_OVERFLOW = "2147483648";

	static final String EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT";

	private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

	private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

	private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

	// RFC 9111 §4.2: names (day, month, GMT) match case-insensitively
	private static final Pattern IMF_FIXDATE = Pattern.compile(
			"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern RFC850_DATE = Pattern.compile(
			"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME
					+ " GMT",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern ASCTIME_DATE = Pattern.compile(
			"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})",
			Pattern.CASE_INSENSITIVE);

	private static final DateTimeFormatter IMF_FORMAT = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		ClassicHttpResponse response = chain.proceed(request, scope);
		normalizeDate(response, HttpHeaders.EXPIRES, EXPIRED);
		if (response.countHeaders(HttpHeaders.DATE) == 1) {
			// several Date fields make the library refuse to store the response: leave them so
			normalizeDate(response, HttpHeaders.DATE, null);
		}
		Header age = response.getFirstHeader(HttpHeaders.AGE);
		if (age != null && overflows(age.getValue().trim())) {
			response.setHeader(HttpHeaders.AGE, AGE_OVERFLOW);
		}
		return response;
	}

	/**
	 * Rewrite a date field that HttpClient would misread: a valid HTTP-date not in the preferred form becomes that
	 * form, an invalid one becomes {@code invalid} (or the current time when {@code invalid} is {@code null}).
	 */
	private static void normalizeDate(ClassicHttpResponse response, String name, String invalid) {
		Header header = response.getFirstHeader(name);
		if (header == null) {
			return;
		}
		String value = header.getValue();
		Instant instant = parseHttpDate(value);
		if (instant == null) {
			response.setHeader(name, (invalid != null) ? invalid : IMF_FORMAT.format(Instant.now()));
		}
		else {
			String preferred = IMF_FORMAT.format(instant);
			if (!preferred.equals(value)) {
				response.setHeader(name, preferred);
			}
		}
	}

	static boolean overflows(String age) {
		if (age.isEmpty() || age.length() < AGE_OVERFLOW.length()) {
			return false;
		}
		for (int i = 0; i < age.length(); i++) {
			if (age.charAt(i) < '0' || age.charAt(i) > '9') {
				return false;
			}
		}
		return age.length() > 18 || Long.parseLong(age) > 2147483648L;
	}

	static boolean isValid(String value) {
		return parseHttpDate(value) != null;
	}

	/**
	 * Parse an HTTP-date in any of the three forms of RFC 9110 §5.6.7, strictly.
	 * @param value the field value
	 * @return the instant, or {@code null} when the value is not a valid HTTP-date
	 */
	static Instant parseHttpDate(String value) {
		if (value == null) {
			return null;
		}
		try {
			Matcher imf = IMF_FIXDATE.matcher(value);
			if (imf.matches()) {
				return instant(Integer.parseInt(imf.group(3)), imf.group(2), imf.group(1), imf, 4);
			}
			Matcher rfc850 = RFC850_DATE.matcher(value);
			if (rfc850.matches()) {
				// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century
				int year = 2000 + Integer.parseInt(rfc850.group(3));
				if (year > Year.now(ZoneOffset.UTC).getValue() + 50) {
					year -= 100;
				}
				return instant(year, rfc850.group(2), rfc850.group(1), rfc850, 4);
			}
			Matcher asctime = ASCTIME_DATE.matcher(value);
			if (asctime.matches()) {
				return instant(Integer.parseInt(asctime.group(6)), asctime.group(1), asctime.group(2).trim(), asctime,
						3);
			}
			return null;
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static Instant instant(int year, String month, String day, Matcher time, int firstTimeGroup) {
		int monthIndex = 0;
		while (!MONTHS.regionMatches(true, monthIndex, month, 0, 3)) {
			monthIndex += 3;
		}
		return LocalDateTime
			.of(year, monthIndex / 3 + 1, Integer.parseInt(day), Integer.parseInt(time.group(firstTimeGroup)),
					Integer.parseInt(time.group(firstTimeGroup + 1)), Integer.parseInt(time.group(firstTimeGroup + 2)))
			.toInstant(ZoneOffset.UTC);
	}

}
