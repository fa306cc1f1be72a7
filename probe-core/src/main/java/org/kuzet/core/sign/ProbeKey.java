package org.kuzet.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;

/**
 * A probe's Ed25519 identity. The public key's fingerprint is the only thing that identifies a probe to a
 * collector: no IP address, no hardware identifier. Signatures are over {@link CanonicalJson} bytes of the
 * measurement, so anyone holding the measurement and the public key can check it.
 */
public final class ProbeKey {
  /** Length of a raw Ed25519 private key (the seed) and public key. */
  public static final int KEY_BYTES = 32;

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;

  private ProbeKey(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
  }

  public static ProbeKey generate(SecureRandom random) {
    return new ProbeKey(new Ed25519PrivateKeyParameters(random));
  }

  /** The key from its 32-byte seed (as stored in the probe's key file). */
  public static ProbeKey fromSeed(byte[] seed) {
    if (seed.length != KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 private key is " + KEY_BYTES + " bytes, got " + seed.length);
    }
    return new ProbeKey(new Ed25519PrivateKeyParameters(seed, 0));
  }

  public byte[] seed() {
    return privateKey.getEncoded();
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** {@code ed25519:} and the hex SHA-256 of the raw public key: the probe's name at the collector. */
  public String keyId() {
    return keyId(publicKey);
  }

  public static String keyId(byte[] publicKey) {
    try {
      return "ed25519:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Signs the canonical bytes of {@code measurementJson} (the measurement exactly as it will be uploaded). */
  public MeasurementSignature sign(JsonNode measurementJson) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    byte[] message = CanonicalJson.encode(measurementJson);
    signer.update(message, 0, message.length);
    Base64.Encoder b64 = Base64.getEncoder();
    return new MeasurementSignature(MeasurementSignature.ALGORITHM, b64.encodeToString(publicKey), keyId(),
        b64.encodeToString(signer.generateSignature()));
  }

  /**
   * True when {@code signature} is a valid Ed25519 signature by its stated public key over the canonical bytes of
   * {@code measurementJson}, and its key id matches that key. Never throws for malformed input; returns false.
   */
  public static boolean verify(JsonNode measurementJson, MeasurementSignature signature) {
    try {
      if (!MeasurementSignature.ALGORITHM.equals(signature.alg())) {
        return false;
      }
      byte[] pub = Base64.getDecoder().decode(signature.publicKey());
      byte[] sig = Base64.getDecoder().decode(signature.value());
      if (pub.length != KEY_BYTES || sig.length != 64 || !keyId(pub).equals(signature.keyId())) {
        return false;
      }
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, new Ed25519PublicKeyParameters(pub, 0));
      byte[] message = CanonicalJson.encode(measurementJson);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(sig);
    } catch (IllegalArgumentException e) {
      return false; // bad base64 or a malformed key
    }
  }

  @Override
  public String toString() {
    return "ProbeKey[" + keyId() + "]"; // never the private key
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeKey k && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }
}
