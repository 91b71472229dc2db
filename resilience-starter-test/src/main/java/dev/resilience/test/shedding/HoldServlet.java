package dev.resilience.test.shedding;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Keeps the worker thread that serves it busy until the {@link WorkerPoolPressure.Hold} it belongs to is closed.
 */
class HoldServlet extends HttpServlet {

	private final WorkerPoolPressure pressure;

	HoldServlet(WorkerPoolPressure pressure) {
		this.pressure = pressure;
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		WorkerPoolPressure.Hold hold = this.pressure.find(request.getParameter("hold"));
		if (hold == null) {
			response.sendError(HttpServletResponse.SC_NOT_FOUND, "No such hold");
			return;
		}
		hold.occupy();
		response.setStatus(HttpServletResponse.SC_NO_CONTENT);
	}

}
