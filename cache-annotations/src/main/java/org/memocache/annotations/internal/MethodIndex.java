package org.memocache.annotations.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The methods index {@value #PATH} that the annotation processor writes beside the compiled classes:
 * every {@code @Memoize} method of the compilation, one per line, for the agent's pre-filter (which
 * classes to look at) and the CLI (which cache names exist). Reading it is the agent's and the CLI's
 * job too, so the format lives here, in one place.
 *
 * <p>Format, UTF-8, lines sorted so that the file is reproducible:
 *
 * <pre>
 * # comment lines and blank lines are ignored
 * com.acme.Sim&lt;TAB&gt;simulate&lt;TAB&gt;(IJ)[D&lt;TAB&gt;3&lt;TAB&gt;com.acme.Sim#simulate
 * </pre>
 *
 * <p>The fields are the declaring class's binary name, the method name, its JVM descriptor, its
 * {@code version} and its cache name. Readers ignore fields after the fifth, so later versions may
 * append some.
 */
public final class MethodIndex {

  /** Where the index lives in the class output and in jars. */
  public static final String PATH = "META-INF/memocache/methods";

  private static final String HEADER =
      "# MemoCache methods index (written by the @Memoize annotation processor; do not edit)\n"
          + "# class\tmethod\tdescriptor\tversion\tcache name\n";

  private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::className)
      .thenComparing(Entry::methodName)
      .thenComparing(Entry::descriptor);

  private MethodIndex() {}

  /**
   * One memoized method.
   *
   * @param className binary name of the declaring class, such as {@code com.acme.Outer$Inner}
   * @param methodName such as {@code simulate}
   * @param descriptor JVM descriptor such as {@code (IJ)[D}
   * @param version the method's {@code @Memoize(version)}, not negative
   * @param cacheName the method's cache name: {@code @Memoize(name)} or {@code className#methodName}
   */
  public record Entry(
      String className, String methodName, String descriptor, int version, String cacheName) {

    public Entry {
      requireField("className", className);
      requireField("methodName", methodName);
      requireField("descriptor", descriptor);
      requireField("cacheName", cacheName);
      if (version < 0) {
        throw new IllegalArgumentException("version must not be negative but was " + version);
      }
      if (!descriptor.startsWith("(")) {
        throw new IllegalArgumentException("descriptor must be a JVM method descriptor such as"
            + " (IJ)[D but was '" + descriptor + "'");
      }
    }

    /** The method as the agent names it: name and descriptor, such as {@code simulate(IJ)[D}. */
    public String method() {
      return methodName + descriptor;
    }

    /** The index line, without its line break. */
    @Override
    public String toString() {
      return className + '\t' + methodName + '\t' + descriptor + '\t' + version + '\t' + cacheName;
    }

    private static void requireField(String field, String value) {
      Objects.requireNonNull(value, field);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(field + " must not be empty");
      }
      for (int i = 0; i < value.length(); i++) {
        if (Character.isISOControl(value.charAt(i))) {
          throw new IllegalArgumentException(field + " must not contain tabs, line breaks or other"
              + " control characters but was '" + value.replace("\t", "\\t").replace("\n", "\\n")
              + "'");
        }
      }
    }
  }

  /**
   * Reads an index. A line that is not a valid entry is skipped and reported to {@code problems}
   * with its line number, so one damaged line never hides the others.
   *
   * @param text the file's content
   * @param problems receives one message per skipped line
   */
  public static List<Entry> parse(CharSequence text, Consumer<String> problems) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.toString().split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length < 5) {
        problems.accept(PATH + " line " + (i + 1) + ": expected 5 tab-separated fields (class,"
            + " method, descriptor, version, cache name) but found " + fields.length + ": '"
            + line + "'");
        continue;
      }
      try {
        entries.add(new Entry(fields[0], fields[1], fields[2], Integer.parseInt(fields[3]),
            fields[4]));
      } catch (IllegalArgumentException e) {
        problems.accept(PATH + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return entries;
  }

  /** The file content for these entries: a header, then one sorted line per entry. */
  public static String format(Collection<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(ORDER);
    StringBuilder sb = new StringBuilder(HEADER);
    for (Entry e : sorted) {
      sb.append(e).append('\n');
    }
    return sb.toString();
  }

  /**
   * The index after an (incremental) compilation: the entries of the classes compiled now, plus the
   * earlier entries of classes that were not compiled now and still exist. Sorted, one entry per
   * (class, method, descriptor), a fresh entry winning over an old one.
   *
   * @param old the entries read back from the previous index
   * @param fresh the entries of the classes compiled now
   * @param recompiled whether a class (binary name) was compiled now, even if it no longer has any
   *     memoized method
   * @param exists whether a class not compiled now is still part of the output
   */
  public static List<Entry> merge(Collection<Entry> old, Collection<Entry> fresh,
      Predicate<String> recompiled, Predicate<String> exists) {
    Map<String, Boolean> kept = new TreeMap<>();
    Map<Entry, Entry> byMethod = new TreeMap<>(ORDER);
    for (Entry e : old) {
      boolean keep = kept.computeIfAbsent(e.className(),
          c -> !recompiled.test(c) && exists.test(c));
      if (keep) {
        byMethod.put(e, e);
      }
    }
    for (Entry e : fresh) {
      byMethod.put(e, e);
    }
    return List.copyOf(byMethod.values());
  }
}
