package org.kuzet.agent.upload;

/** Small measurements in the export format (valid against its schema, which the collector checks). */
final class TestMeasurementJson {
  private TestMeasurementJson() {}

  static String of(String uid, String input) {
    return """
        {"measurement_uid":"%s","input":"%s","probe_cc":"KZ","probe_asn":"AS9198",\
        "measurement_start_time":"2026-11-23 09:00:00","test_start_time":"2026-11-23 09:00:00",\
        "software_name":"kuzet","software_version":"0.1.0","data_format_version":"0.2.0",\
        "test_name":"web_connectivity","test_runtime":0.25,\
        "test_keys":{"x_verdict":"accessible","x_signals":[],"queries":[],"tls_handshakes":[],"requests":[],\
        "tcp_connect":[{"ip":"93.184.216.34","port":443,"status":{"success":true,"failure":null},"t0":0.1,"t":0.2}]}}"""
        .formatted(uid, input);
  }
}
