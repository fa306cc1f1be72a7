package org.kuzet.agent.upload;

/** Small measurements in the export format for upload tests; the collector only needs the UID and signature. */
final class TestMeasurementJson {
  private TestMeasurementJson() {}

  static String of(String uid, String input) {
    return """
        {"measurement_uid":"%s","input":"%s","probe_cc":"KZ","probe_asn":"AS9198",\
        "measurement_start_time":"2026-11-23 09:00:00","test_name":"web_connectivity","test_runtime":0.25,\
        "test_keys":{"x_verdict":"accessible","x_signals":[],"tcp_connect":[{"ip":"93.184.216.34","port":443}]}}"""
        .formatted(uid, input);
  }
}
