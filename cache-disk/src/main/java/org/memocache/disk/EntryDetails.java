package org.memocache.disk;

import java.nio.file.Path;
import java.util.Objects;
import org.memocache.EntryInfo;
import org.memocache.MethodId;
import org.memocache.internal.Sizes;

/**
 * Everything an entry file's header says, as {@code memocache show} prints it.
 *
 * @param info the metadata a listing shows (hits and last access as far as the index knows)
 * @param method the full identity of the method that stored it
 * @param file the entry file
 * @param valueType the stored value's class name ({@code ""} for a cached {@code null})
 * @param codecVersion the version of the codec's layout
 * @param formatVersion the entry file format version
 * @param payloadLength bytes of payload
 * @param blockSize bytes per checksum block
 * @param blocks checksum blocks
 */
public record EntryDetails(
    EntryInfo info,
    MethodId method,
    Path file,
    String valueType,
    int codecVersion,
    int formatVersion,
    long payloadLength,
    int blockSize,
    int blocks) {

  public EntryDetails {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(valueType, "valueType");
  }

  /** Several lines: key, method identity, arguments, value type, sizes, times, file. */
  @Override
  public String toString() {
    return "key        " + info.key() + "\n"
        + "method     " + method.name() + method.descriptor() + " version " + method.version() + " fingerprint "
        + String.format("%016x", method.codeFingerprint()) + "\n"
        + "arguments  " + info.argsSummary() + "\n"
        + "value      " + (valueType.isEmpty() ? "null" : valueType) + " (" + info.codec() + " v" + codecVersion + ", "
        + Sizes.human(payloadLength) + " in " + blocks + " blocks of " + Sizes.human(blockSize) + ")\n"
        + "stored     " + Sizes.human(info.sizeBytes()) + ", created " + info.created() + ", computed in "
        + Sizes.human(info.computeTime()) + "\n"
        + "used       " + info.hits() + " hits, last " + info.lastAccess() + "\n"
        + "file       " + file;
  }
}
