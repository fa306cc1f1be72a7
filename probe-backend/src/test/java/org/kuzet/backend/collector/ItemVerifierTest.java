package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.TestUploads;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadProtocol;

/** The collector's Ed25519 check (Bouncy Castle, for speed) says exactly what the JDK's ({@link ProbeKey}) says. */
class ItemVerifierTest {
  private static final BigInteger L = BigInteger.TWO.pow(252).add(
      new BigInteger("27742317777372353535851937790883648493"));

  @Test
  void agreesWithTheJdkOnGoodAndBadSignatures() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      ProbeKey key = ProbeKey.generate(random);
      ObjectNode m = TestUploads.measurement("v" + i);
      m.put("input", "https://site" + random.nextInt() + ".kz/");
      MeasurementSignature sig = key.sign(m);
      byte[] bytes = CanonicalJson.encode(m);

      assertTrue(ProbeKey.verify(m, sig));
      assertTrue(ProbeKeys.of(sig.publicKey()).verifies(sig.value(), bytes));

      byte[] flipped = Base64.getDecoder().decode(sig.value());
      flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
      String bad = Base64.getEncoder().encodeToString(flipped);
      assertEquals(ProbeKey.verify(m, new MeasurementSignature(sig.alg(), sig.publicKey(), sig.keyId(), bad)),
          ProbeKeys.of(sig.publicKey()).verifies(bad, bytes));
      assertFalse(ProbeKeys.of(sig.publicKey()).verifies(bad, bytes));

      byte[] changed = new String(bytes, StandardCharsets.UTF_8).replace("v" + i, "w" + i)
          .getBytes(StandardCharsets.UTF_8);
      assertFalse(ProbeKeys.of(sig.publicKey()).verifies(sig.value(), changed));
    }
  }

  @Test
  void refusesMalleatedAndMalformedSignatures() {
    ProbeKey key = ProbeKey.generate(new SecureRandom());
    ObjectNode m = TestUploads.measurement("malleated");
    MeasurementSignature sig = key.sign(m);
    byte[] bytes = CanonicalJson.encode(m);
    byte[] value = Base64.getDecoder().decode(sig.value());
    // S + L verifies under the bare equation; RFC 8032 (and the JDK) require S < L.
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = value[63 - i];
    }
    byte[] sPlusL = new BigInteger(1, s).add(L).toByteArray();
    byte[] malleated = value.clone();
    for (int i = 0; i < 32; i++) {
      malleated[32 + i] = i < sPlusL.length ? sPlusL[sPlusL.length - 1 - i] : 0;
    }
    String m2 = Base64.getEncoder().encodeToString(malleated);
    assertFalse(ProbeKey.verify(m, new MeasurementSignature(sig.alg(), sig.publicKey(), sig.keyId(), m2)));
    assertFalse(ProbeKeys.of(sig.publicKey()).verifies(m2, bytes));
    assertFalse(ProbeKeys.of(sig.publicKey()).verifies("not base64!", bytes));
    assertFalse(ProbeKeys.of(sig.publicKey()).verifies(Base64.getEncoder().encodeToString(new byte[63]), bytes));
    assertFalse(ProbeKeys.of(Base64.getEncoder().encodeToString(new byte[32])).verifies(sig.value(), bytes));
  }

  @Test
  void aSignatureUnderASmallOrderKeyIsRefusedThoughTheBareEquationHolds() {
    // public key = the identity point (y = 1), signature R = identity, S = 0: [S]B = R + [k]A for every message,
    // so anyone could "sign" anything under this key. It names its key honestly; it is still no probe's key.
    byte[] identity = new byte[32];
    identity[0] = 1;
    byte[] forged = new byte[64];
    forged[0] = 1;
    ObjectNode item = UploadProtocol.mapper().createObjectNode();
    item.set("measurement", TestUploads.measurement("forged"));
    item.putObject("signature").put("alg", MeasurementSignature.ALGORITHM)
        .put("public_key", Base64.getEncoder().encodeToString(identity))
        .put("key_id", ProbeKey.keyId(identity))
        .put("value", Base64.getEncoder().encodeToString(forged));

    ItemVerifier.Checked checked = ItemVerifier.check(item, java.time.Instant.parse("2026-12-01T00:00:00Z"));

    assertEquals(null, checked.row());
    assertEquals("forged", checked.uid());
    assertTrue(checked.reason().startsWith("public_key is not a usable Ed25519 public key"), checked.reason());
  }
}
