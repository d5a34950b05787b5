package org.memocache;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.util.Objects;

/**
 * The identity of a memoized method: its cache name, its JVM descriptor (empty for programmatic
 * names), the user's {@code version} and a fingerprint of its bytecode (0 when not used). Results of
 * two methods share nothing unless all four are equal, so bumping the version or editing the body of
 * a woven method makes its old results unreachable.
 *
 * @param name the cache name, such as {@code "simulate"} or {@code "com.acme.Fit#fit"}
 * @param descriptor the JVM method descriptor such as {@code "(IJ)[D"}, or {@code ""}
 * @param version the user's version number
 * @param codeFingerprint a hash of the method's bytecode, or 0 when fingerprinting is off
 */
public record MethodId(String name, String descriptor, int version, long codeFingerprint) {

  public MethodId {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(descriptor, "descriptor");
    if (name.isBlank()) {
      throw new IllegalArgumentException("method name must not be blank");
    }
  }

  // Written out: a record's generated equals and hashCode bootstrap java.lang.runtime.ObjectMethods
  // on first use, tens of method handles that a fresh JVM's first hit would wait for.
  @Override
  public boolean equals(Object o) {
    return o instanceof MethodId m && m.version == version && m.codeFingerprint == codeFingerprint
        && m.name.equals(name) && m.descriptor.equals(descriptor);
  }

  @Override
  public int hashCode() {
    return ((name.hashCode() * 31 + descriptor.hashCode()) * 31 + version) * 31 + Long.hashCode(codeFingerprint);
  }

  /** A programmatic method: a name and a version, no descriptor and no fingerprint. */
  public static MethodId of(String name, int version) {
    return new MethodId(name, "", version, 0L);
  }

  /**
   * A stable 64-bit hash of all four components, used to name this method's directory on disk.
   * The same in every JVM and on every platform.
   */
  public long id() {
    HashStream64 h = Hashing.xxh3_64().hashStream();
    h.putString(name).putString(descriptor).putInt(version).putLong(codeFingerprint);
    return h.getAsLong();
  }

  /** {@link #id()} as 16 lower-case hex digits. */
  public String idHex() {
    return String.format("%016x", id());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name);
    if (!descriptor.isEmpty()) {
      sb.append(descriptor);
    }
    if (version != 0) {
      sb.append(" v").append(version);
    }
    return sb.toString();
  }
}
