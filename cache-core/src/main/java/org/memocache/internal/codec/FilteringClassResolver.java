package org.memocache.internal.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IntMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.ClassFilter;

/**
 * Kryo's class resolver with an allow-list in front of {@code Class.forName}: the class name read
 * from the stream is checked before any class is looked up, so a crafted entry cannot make the JVM
 * load (let alone initialise or instantiate) a class the method did not admit. Also checks, when
 * writing, that every class named in the output could be read back by the method's filter, and
 * collects those that could not.
 *
 * <p>One instance per pooled {@link Kryo}; the filters are set for the duration of one call.
 */
final class FilteringClassResolver extends DefaultClassResolver {

  /** Unchecked carrier through Kryo's exception wrapping; unwrapped by {@link KryoCodec}. */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String className;

    Rejected(String className) {
      super("class " + className + " is not admitted", null, false, false);
      this.className = className;
    }
  }

  private @Nullable ClassFilter readFilter;
  private @Nullable ClassFilter writeFilter;
  /** The classes the write filter refused in this call, in the order written. */
  private final List<String> refused = new ArrayList<>();

  private @Nullable Set<Class<?>> seen;

  private @Nullable ClassLoader lastLoader;

  void filters(@Nullable ClassFilter read, @Nullable ClassFilter write) {
    this.readFilter = read;
    this.writeFilter = write;
    refused.clear();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (read != null && context != lastLoader) {
      // Names resolve through the context loader first: a class cached for another loader (a
      // reloaded or second version of the class) must not receive this call's values.
      if (nameToClass != null) {
        nameToClass.clear();
      }
      lastLoader = context;
    }
  }

  /** Adds every class named in the stream (written or read) to {@code classes}; {@code null}: none. */
  void collect(@Nullable Set<Class<?>> classes) {
    this.seen = classes;
  }

  /** The classes the write filter refused since {@link #filters}, in the order written. */
  List<String> refused() {
    return refused;
  }

  @Override
  @SuppressWarnings("rawtypes") // Kryo's signature
  protected void writeName(Output output, Class type, Registration registration) {
    ClassFilter f = writeFilter;
    if (f != null && !refused.contains(type.getName()) && !AllowLists.admits(f, type.getName())) {
      // Writing goes on (the bytes are discarded) so that one warning can name every class the
      // value needs admitted, not one per run.
      refused.add(type.getName());
    }
    if (seen != null) {
      seen.add(type);
    }
    super.writeName(output, type, registration);
  }

  @Override
  protected Registration readName(Input input) {
    int nameId = input.readVarInt(true);
    if (nameIdToClass == null) {
      nameIdToClass = new IntMap<>();
    }
    Class<?> type = nameIdToClass.get(nameId);
    if (type == null) {
      String className = input.readString();
      ClassFilter f = readFilter;
      // Checked on every first occurrence in a graph, cached or not: the class may have been
      // resolved earlier for another method with a wider filter.
      if (f == null || !AllowLists.admits(f, className)) {
        throw new Rejected(className);
      }
      type = getTypeByName(className);
      if (type == null) {
        type = load(className);
        if (nameToClass == null) {
          nameToClass = new com.esotericsoftware.kryo.util.ObjectMap<>();
        }
        nameToClass.put(className, type);
      }
      nameIdToClass.put(nameId, type);
      if (seen != null) {
        seen.add(type);
      }
    }
    return kryo.getRegistration(type);
  }

  private Class<?> load(String className) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader[] loaders = {context, kryo.getClassLoader(), FilteringClassResolver.class.getClassLoader()};
    ClassNotFoundException first = null;
    for (ClassLoader l : loaders) {
      if (l == null) {
        continue;
      }
      try {
        return Class.forName(className, false, l);
      } catch (ClassNotFoundException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    throw new KryoException("Unable to find class: " + className, first);
  }
}
