package org.kuzet.schema.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The control part of {@code test_keys}: what was asked of the test helper and what it answered.
 *
 * @param request OONI's {@code x_control_request} (ts-017, OONI's own key): the request really sent; null when none
 *     was sent (and left out of the line)
 * @param response OONI's {@code control}: the helper's answer, typed ({@link ControlResponse}); null when there is
 *     none
 * @param failure OONI's {@code control_failure}: why there is no answer (a df-007 failure, or
 *     {@link ControlFailures#NOT_CONFIGURED}); null when the helper answered
 */
public record ControlExchange(
    @JsonProperty("x_control_request") @JsonInclude(JsonInclude.Include.NON_NULL) ControlRequest request,
    @JsonProperty("control") ControlResponse response,
    @JsonProperty("control_failure") String failure) {

  /** No helper was asked, and no reason was recorded. */
  public static final ControlExchange NONE = new ControlExchange(null, null, null);

  /** The helper answered {@code response} to {@code request}. */
  public static ControlExchange answered(ControlRequest request, ControlResponse response) {
    return new ControlExchange(request, response, null);
  }

  /** No answer: {@code failure} says why ({@code request} null when none was sent). */
  public static ControlExchange failed(ControlRequest request, String failure) {
    return new ControlExchange(request, null, failure);
  }

  public ControlExchange withRequest(ControlRequest r) {
    return new ControlExchange(r, response, failure);
  }

  public ControlExchange withFailure(String f) {
    return new ControlExchange(request, response, f);
  }
}
