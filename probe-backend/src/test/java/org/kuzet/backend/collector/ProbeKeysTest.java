package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.TestUploads;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;
import org.kuzet.schema.upload.ProbeKey;

/** The collector's decoded probe keys: decoded once, right, bounded, and useless when the key is not a key. */
class ProbeKeysTest {
  @Test
  void aProbesKeyIsDecodedOnceAndVerifiesEachOfItsMeasurements() {
    ProbeKey probe = ProbeKey.generate(new SecureRandom());
    String publicKey = Base64.getEncoder().encodeToString(probe.publicKey());
    ProbeKeys.Key key = ProbeKeys.of(publicKey);
    assertEquals(probe.keyId(), key.keyId());
    for (int i = 0; i < 20; i++) {
      ObjectNode m = TestUploads.measurement("k" + i);
      MeasurementSignature sig = probe.sign(m);
      assertSame(key, ProbeKeys.of(sig.publicKey()), "the same key object, not decoded again");
      assertTrue(key.verifies(sig.value(), CanonicalJson.encode(m)));
      ObjectNode other = TestUploads.measurement("other" + i);
      assertFalse(key.verifies(sig.value(), CanonicalJson.encode(other)), "a signature of another measurement");
    }
  }

  @Test
  void notAKeyIsNoKeyAndSmallOrderPointsVerifyNothing() {
    assertNull(ProbeKeys.of("not base64!"));
    assertNull(ProbeKeys.of(Base64.getEncoder().encodeToString(new byte[31])));
    // y = 0 and the identity (y = 1): points of order 4 and 1, under which forged signatures would verify.
    byte[] identity = new byte[32];
    identity[0] = 1;
    for (byte[] weak : new byte[][] {new byte[32], identity}) {
      ProbeKeys.Key key = ProbeKeys.of(Base64.getEncoder().encodeToString(weak));
      assertNull(key.point(), "a small-order point is not a probe's key");
      assertEquals(ProbeKey.keyId(weak), key.keyId(), "its key_id is still named, for the refusal");
      byte[] forged = new byte[64];
      forged[0] = 1; // R = identity, S = 0: verifies under the identity key by the bare equation
      assertFalse(key.verifies(Base64.getEncoder().encodeToString(forged), "anything".getBytes()));
    }
  }

  @Test
  void theCacheHoldsAtMostItsBoundHoweverManyKeysAClientSends() {
    Random random = new Random(7);
    for (int i = 0; i < ProbeKeys.MAX_KEYS + 500; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      ProbeKeys.of(Base64.getEncoder().encodeToString(bytes));
      assertTrue(ProbeKeys.size() <= ProbeKeys.MAX_KEYS, "cached " + ProbeKeys.size());
    }
  }
}
