package dev.resilience.httpclient;

import java.io.IOException;
import java.util.regex.Pattern;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Runs between the origin and the cache. RFC 9111 §5.3: a cache recipient must interpret an invalid {@code Expires}
 * date as a time in the past ("already expired"). httpclient5-cache 5.6.3 parses leniently and treats some invalid
 * dates (wrong zone name, dashes in an IMF-fixdate, one-digit hours) as valid future dates, that is, fresh. Any value
 * that is not one of the three HTTP-date forms of RFC 9110 §5.6.7 is replaced by the epoch, so the cache sees an
 * expired response. Only responses that carry {@code Expires} pay for the check.
 */
final class InvalidExpiresNormalizer implements ExecChainHandler {

	static final String NAME = "resilience-invalid-expires";

	static final String EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT";

	private static final String DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";

	private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

	private static final String TIME = "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d";

	private static final Pattern HTTP_DATE = Pattern.compile(
			DAY + ", (0[1-9]|[12]\\d|3[01]) " + MONTH + " \\d{4} " + TIME + " GMT" // IMF-fixdate
					+ "|(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (0[1-9]|[12]\\d|3[01])-" + MONTH
					+ "-\\d{2} " + TIME + " GMT" // rfc850-date (obsolete)
					+ "|" + DAY + " " + MONTH + " ( [1-9]|[12]\\d|3[01]) " + TIME + " \\d{4}"); // asctime-date

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		ClassicHttpResponse response = chain.proceed(request, scope);
		Header expires = response.getFirstHeader(HttpHeaders.EXPIRES);
		if (expires != null && !isValid(expires.getValue())) {
			response.setHeader(HttpHeaders.EXPIRES, EXPIRED);
		}
		return response;
	}

	static boolean isValid(String value) {
		return value != null && HTTP_DATE.matcher(value).matches() && DateUtils.parseStandardDate(value) != null;
	}

}
