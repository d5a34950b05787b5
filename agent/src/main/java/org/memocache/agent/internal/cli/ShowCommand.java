package org.memocache.agent.internal.cli;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.CachedResult;
import org.memocache.disk.CacheDirectory;
import org.memocache.disk.EntryDetails;
import org.memocache.internal.Sizes;
import org.memocache.internal.codec.AllowLists;
import org.memocache.spi.ClassFilter;
import org.memocache.view.ArrayView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memocache show <key-prefix> [dir]}: one entry's header and a preview of its value. Values
 * up to {@link #LOAD_LIMIT} are loaded (JDK value types only: a cache directory is data, never
 * code); bigger primitive arrays are mapped, which tells their shape without reading them.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Shows one entry (by a unique prefix of its key): metadata and a preview of the value.")
public final class ShowCommand extends CacheCommand {
  static final long LOAD_LIMIT = 64L << 20;
  static final int PREVIEW_ELEMENTS = 10;
  static final int PREVIEW_CHARS = 200;
  /** What a preview decodes, as {@link CacheDirectory#load(String)} does: JDK value types only. */
  private static final ClassFilter JDK_VALUES = AllowLists.forMethod(null, List.of());

  @Parameters(index = "0", paramLabel = "KEY", description = "the key, or a unique prefix of it (hex)")
  String keyPrefix = "";

  @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
      description = "the cache directory (default: $MEMOCACHE_DIR or ~/.cache/memocache)")
  @Nullable Path dir;

  @Option(names = "--json", description = "one JSON object, for scripts")
  boolean json;

  @Override
  @Nullable Path dirArgument() {
    return dir;
  }

  @Override
  int run(CacheDirectory d) {
    List<EntryDetails> found = d.find(keyPrefix);
    if (found.isEmpty()) {
      err().println("memocache show: no entry with a key starting with '" + keyPrefix + "' in " + d.root());
      return USAGE;
    }
    if (found.size() > 1) {
      err().println("memocache show: '" + keyPrefix + "' matches " + found.size() + " entries; give more digits:");
      found.stream().limit(20).forEach(e -> err().println("  " + e.info().key() + "  " + e.info().method() + "("
          + e.info().argsSummary() + ")"));
      err().flush();
      return USAGE;
    }
    EntryDetails e = found.get(0);
    String preview = preview(d, e);
    if (json) {
      Json j = new Json().beginObject().name("entry");
      LsCommand.entry(j, e.info());
      j.field("descriptor", e.method().descriptor()).field("version", e.method().version())
          .field("fingerprint", String.format("%016x", e.method().codeFingerprint()))
          .field("valueType", e.valueType()).field("codecVersion", e.codecVersion())
          .field("formatVersion", e.formatVersion()).field("payloadBytes", e.payloadLength())
          .field("blockSize", e.blockSize()).field("blocks", e.blocks()).field("file", e.file().toString())
          .field("preview", preview);
      out().println(j.endObject());
    } else {
      out().println(e);
      out().println("preview    " + preview);
    }
    out().flush();
    return OK;
  }

  private static String preview(CacheDirectory d, EntryDetails e) {
    String key = e.info().key();
    if (e.valueType().isEmpty()) {
      return "null";
    }
    boolean primitiveArray = e.valueType().matches("\\[+[ZBCSIJFD]");
    if (e.payloadLength() > LOAD_LIMIT) {
      if (primitiveArray) {
        Optional<ArrayView> v;
        try {
          v = d.view(key);
        } catch (RuntimeException ex) {
          return "(cannot view: " + ex.getMessage() + ")";
        }
        if (v.isPresent()) {
          ArrayView a = v.get();
          return a.elementType().getName() + (a.rank() == 2 ? "[" + a.rows() + "][" + (a.columns() < 0 ? "ragged"
              : a.columns()) + "]" : "[" + a.size() + "]") + ", " + Sizes.human(e.payloadLength()) + " (not loaded)";
        }
      }
      return e.valueType() + ", " + Sizes.human(e.payloadLength()) + " (too big to preview)";
    }
    String notLoaded = "(not loaded: a " + e.valueType() + " is not a JDK value type, or the entry is damaged or gone)";
    if (!AllowLists.admits(JDK_VALUES, e.valueType())) {
      // Said here: loading it would only add the library's warning about a class it does not admit.
      return notLoaded;
    }
    Optional<CachedResult<Object>> r;
    try {
      r = d.load(key, JDK_VALUES);
    } catch (RuntimeException ex) {
      return "(cannot load: " + ex.getMessage() + ")";
    }
    return r.map(c -> describe(c.value())).orElse(notLoaded);
  }

  /** A short text for {@code value}: the first elements of arrays and collections, a cut toString otherwise. */
  static String describe(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value.getClass().isArray()) {
      int n = Array.getLength(value);
      StringBuilder sb = new StringBuilder(arrayType(value.getClass(), n)).append(" [");
      for (int i = 0; i < Math.min(n, PREVIEW_ELEMENTS); i++) {
        sb.append(i > 0 ? ", " : "").append(element(Array.get(value, i)));
      }
      return sb.append(n > PREVIEW_ELEMENTS ? ", …]" : "]").toString();
    }
    if (value instanceof Collection<?> c) {
      String kind = value instanceof List<?> ? "List" : value instanceof Set<?> ? "Set" : value.getClass().getSimpleName();
      StringBuilder sb = new StringBuilder(kind).append(" of ").append(c.size())
          .append(" [");
      int i = 0;
      for (Object o : c) {
        if (i == PREVIEW_ELEMENTS) {
          sb.append(", …");
          break;
        }
        sb.append(i++ > 0 ? ", " : "").append(element(o));
      }
      return sb.append(']').toString();
    }
    if (value instanceof Map<?, ?> m) {
      return "Map of " + m.size() + " " + cut(m.toString());
    }
    return value.getClass().getSimpleName() + " " + cut(String.valueOf(value));
  }

  /** {@code double[3]}, {@code double[3][]}: the length where Java writes it. */
  private static String arrayType(Class<?> array, int length) {
    String component = array.getComponentType().getSimpleName();
    int b = component.indexOf('[');
    return b < 0 ? component + "[" + length + "]" : component.substring(0, b) + "[" + length + "]" + component.substring(b);
  }

  private static String element(@Nullable Object o) {
    if (o != null && o.getClass().isArray()) {
      return arrayType(o.getClass(), Array.getLength(o));
    }
    return cut(String.valueOf(o));
  }

  private static String cut(String s) {
    return s.length() <= PREVIEW_CHARS ? s : s.substring(0, PREVIEW_CHARS) + "… (" + s.length() + " chars)";
  }
}
