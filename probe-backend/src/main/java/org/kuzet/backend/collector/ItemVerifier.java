package org.kuzet.backend.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * Checks one upload item ({@code {"measurement": {…}, "signature": {…}}}) and turns it into a row to store, or
 * names what is wrong with it. Pure: no I/O, no clock of its own.
 */
final class ItemVerifier {
  /** OONI-style UIDs are about 60 characters; anything this long or with other characters is not one. */
  static final int MAX_UID_LENGTH = 200;
  private static final Pattern UID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  private static final Set<String> ITEM_MEMBERS = Set.of("measurement", "signature");
  private static final Set<String> SIGNATURE_MEMBERS = Set.of("alg", "public_key", "key_id", "value");

  private ItemVerifier() {}

  /** The verdict on one item: either {@code row} or {@code reason} is set; {@code uid} when the item had one. */
  record Checked(String uid, ReceivedMeasurement row, String reason) {
    static Checked ok(ReceivedMeasurement row) {
      return new Checked(row.uid(), row, null);
    }

    static Checked rejected(String uid, String reason) {
      return new Checked(uid, null, reason);
    }
  }

  static Checked check(JsonNode item, Instant receivedAt) {
    if (item == null || !item.isObject()) {
      return Checked.rejected(null, "malformed item: expected {\"measurement\": {…}, \"signature\": {…}}");
    }
    JsonNode m = item.get("measurement");
    String uid = m != null && m.path("measurement_uid").isTextual() ? m.get("measurement_uid").asText() : null;
    String unknown = unknownMember(item, ITEM_MEMBERS);
    if (unknown != null) {
      return Checked.rejected(uid, "malformed item: unknown member \"" + unknown + "\"");
    }
    if (m == null || !m.isObject()) {
      return Checked.rejected(uid, "malformed item: \"measurement\" must be a JSON object");
    }
    if (!m.has("measurement_uid")) {
      return Checked.rejected(null, "missing measurement_uid");
    }
    if (uid == null || uid.isEmpty() || uid.length() > MAX_UID_LENGTH || !UID.matcher(uid).matches()) {
      return Checked.rejected(null, "invalid measurement_uid (letters, digits and _.:- only, at most "
          + MAX_UID_LENGTH + " characters)");
    }
    if (m.has("probe_ip")) {
      // The uploader's address must never be recorded; refusing (rather than stripping) keeps the signature whole.
      return Checked.rejected(uid, "measurement contains probe_ip; kuzet never uploads the probe's address");
    }
    JsonNode sig = item.get("signature");
    if (sig == null || !sig.isObject()) {
      return Checked.rejected(uid, "malformed item: \"signature\" must be a JSON object");
    }
    unknown = unknownMember(sig, SIGNATURE_MEMBERS);
    if (unknown != null) {
      return Checked.rejected(uid, "malformed signature: unknown member \"" + unknown + "\"");
    }
    for (String member : SIGNATURE_MEMBERS) {
      if (!sig.path(member).isTextual()) {
        return Checked.rejected(uid, "malformed signature: missing " + member);
      }
    }
    MeasurementSignature signature = new MeasurementSignature(sig.get("alg").asText(),
        sig.get("public_key").asText(), sig.get("key_id").asText(), sig.get("value").asText());
    if (!MeasurementSignature.ALGORITHM.equals(signature.alg())) {
      return Checked.rejected(uid, "unsupported signature algorithm \"" + signature.alg() + "\" (expected "
          + MeasurementSignature.ALGORITHM + ")");
    }
    ProbeKeys.Key key = ProbeKeys.of(signature.publicKey());
    if (key == null) {
      return Checked.rejected(uid, "public_key is not the base64 of a 32-byte Ed25519 key");
    }
    if (!key.keyId().equals(signature.keyId())) {
      return Checked.rejected(uid, "key_id does not match public_key");
    }
    if (key.point() == null) {
      // Off the curve, or a point of small order, under which anyone can forge a signature that verifies.
      return Checked.rejected(uid, "public_key is not a usable Ed25519 public key (not a point of the curve's"
          + " prime-order subgroup)");
    }
    byte[] canonicalBytes;
    try {
      canonicalBytes = CanonicalJson.encode(m);
    } catch (IllegalArgumentException e) {
      return Checked.rejected(uid, "measurement cannot be signed or verified: " + e.getMessage());
    }
    if (!key.verifies(signature.value(), canonicalBytes)) {
      return Checked.rejected(uid, "bad signature: it does not verify over the measurement as sent");
    }
    String violation = MeasurementRules.violation(m);
    if (violation != null) {
      return Checked.rejected(uid, violation);
    }
    String canonical = new String(canonicalBytes, StandardCharsets.UTF_8);
    String signatureJson;
    try {
      signatureJson = UploadProtocol.mapper().writeValueAsString(sig);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot re-encode a parsed JSON object", e);
    }
    return Checked.ok(new ReceivedMeasurement(uid, signature.keyId(), receivedAt, canonical, signatureJson,
        ReceivedMeasurement.Summary.of(m)));
  }

  private static String unknownMember(JsonNode object, Set<String> known) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        return name;
      }
    }
    return null;
  }
}
