package org.kuzet.schema.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;

class ProbeKeyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); append the 32 raw key bytes. */
  private static final String SPKI_PREFIX = "302a300506032b6570032100";

  private final ProbeKey key = ProbeKey.generate(new SecureRandom());

  private static JsonNode measurement() throws Exception {
    return JSON.readTree("{\"measurement_uid\":\"20261123T000000Z_webconnectivity_KZ_0_n1_x\","
        + "\"input\":\"https://holanews.kz/\",\"test_runtime\":1.25,"
        + "\"test_keys\":{\"x_verdict\":\"blocked\",\"x_signals\":[\"tls.timeout\"]}}");
  }

  @Test
  void rfc8032TestVectorOneDerivesTheSamePublicKey() {
    ProbeKey k = ProbeKey.fromSeed(HexFormat.of().parseHex(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        HexFormat.of().formatHex(k.publicKey()));
  }

  @Test
  void signatureVerifiesAndSurvivesReencodingWithOtherKeyOrder() throws Exception {
    MeasurementSignature sig = key.sign(measurement());
    assertTrue(ProbeKey.verify(measurement(), sig));
    JsonNode reordered = JSON.readTree("{\"test_keys\":{\"x_signals\":[\"tls.timeout\"],\"x_verdict\":\"blocked\"},"
        + "\"test_runtime\":1.250,\"input\":\"https://holanews.kz/\","
        + "\"measurement_uid\":\"20261123T000000Z_webconnectivity_KZ_0_n1_x\"}");
    assertTrue(ProbeKey.verify(reordered, sig), "the signature is over canonical bytes, not the text as sent");
  }

  @Test
  void anyChangeToTheMeasurementBreaksTheSignature() throws Exception {
    MeasurementSignature sig = key.sign(measurement());
    ObjectNode tampered = (ObjectNode) measurement();
    ((ObjectNode) tampered.get("test_keys")).put("x_verdict", "accessible");
    assertFalse(ProbeKey.verify(tampered, sig));
  }

  @Test
  void aSignatureWithAnotherKeyOrAWrongKeyIdIsRejected() throws Exception {
    MeasurementSignature sig = key.sign(measurement());
    ProbeKey other = ProbeKey.generate(new SecureRandom());
    MeasurementSignature swappedKey = new MeasurementSignature(sig.alg(),
        Base64.getEncoder().encodeToString(other.publicKey()), other.keyId(), sig.value());
    assertFalse(ProbeKey.verify(measurement(), swappedKey));
    MeasurementSignature wrongId = new MeasurementSignature(sig.alg(), sig.publicKey(), other.keyId(), sig.value());
    assertFalse(ProbeKey.verify(measurement(), wrongId));
    assertFalse(ProbeKey.verify(measurement(), new MeasurementSignature("RSA", sig.publicKey(), sig.keyId(),
        sig.value())));
    assertFalse(ProbeKey.verify(measurement(), new MeasurementSignature(sig.alg(), "not base64!", sig.keyId(),
        sig.value())));
  }

  /** What a third party does with standard tools: the JDK's own Ed25519 (as openssl would) verifies it too. */
  @Test
  void standardEd25519ImplementationVerifiesOurSignature() throws Exception {
    MeasurementSignature sig = key.sign(measurement());
    byte[] spki = HexFormat.of().parseHex(SPKI_PREFIX + HexFormat.of().formatHex(key.publicKey()));
    PublicKey jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(jdkKey);
    verifier.update(CanonicalJson.encode(measurement()));
    assertTrue(verifier.verify(Base64.getDecoder().decode(sig.value())));
  }

  @Test
  void seedRoundTripsAndToStringHidesThePrivateKey() {
    ProbeKey again = ProbeKey.fromSeed(key.seed());
    assertEquals(key, again);
    assertArrayEquals(key.publicKey(), again.publicKey());
    assertTrue(key.toString().contains(key.keyId()));
    assertFalse(key.toString().contains(HexFormat.of().formatHex(key.seed())));
  }
}
