package org.memocache.agent.internal;

import com.dynatrace.hash4j.hashing.Hashing;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link MethodFingerprints} reads the class files of a memoized method's callees and learns
 * whose code they are: the agent asks the class loader ({@link LoaderClassFiles}), the build plugin
 * the build's class folder and class path ({@link BuildClassFiles}). Both answer the same for the
 * same classes, so the agent and the plugin compute the same fingerprint.
 *
 * <p>Implementations may cache; an instance serves one weave of one class.
 */
public interface ClassFiles {

  /** The class file of {@code internalName} ({@code "com/acme/Fit"}), or {@code null} when unreadable. */
  byte @Nullable [] read(String internalName);

  /** Whose code {@code internalName} is, seen from the class being woven. */
  Origin origin(String internalName);

  /**
   * Whose code a class is: the woven class's own code source (walked), a library (identified, not
   * walked), or neither (the JDK, or a class that cannot be found: left out).
   *
   * @param kind which of the three
   * @param identity for a library, what identifies its version; empty otherwise
   */
  record Origin(Kind kind, String identity) {
    /** The woven class's own code source: the same class directory or jar. */
    public static final Origin OWN = new Origin(Kind.OWN, "");
    /** The JDK, or a class not found: contributes nothing beyond the call instruction itself. */
    public static final Origin NONE = new Origin(Kind.NONE, "");

    /** The three kinds of origin. */
    public enum Kind { OWN, LIBRARY, NONE }

    /**
     * A library jar, identified by its file name and the version its manifest declares
     * ({@code Implementation-Version}, else {@code Bundle-Version}), as both the agent and the
     * build plugin see it.
     */
    public static Origin jar(String fileName, @Nullable Manifest manifest) {
      String version = null;
      if (manifest != null) {
        Attributes main = manifest.getMainAttributes();
        version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        if (version == null) {
          version = main.getValue("Bundle-Version");
        }
      }
      return new Origin(Kind.LIBRARY, "jar:" + fileName + (version == null ? "" : "@" + version));
    }

    /**
     * A class from a class directory of another code source (a sibling module's output folder):
     * nothing names its version, so the called class file's own hash does.
     */
    public static Origin directoryClass(byte @Nullable [] classFile) {
      return new Origin(Kind.LIBRARY, "class:" + (classFile == null ? "unreadable"
          : Long.toHexString(Hashing.xxh3_64().hashBytesToLong(classFile))));
    }

    /** Whether the class is part of the woven class's own code source. */
    public boolean own() {
      return kind == Kind.OWN;
    }

    @Override
    public String toString() {
      return kind == Kind.LIBRARY ? identity : kind.name();
    }
  }

  /**
   * Knows no class besides the one being woven: its fingerprints cover its own methods (and
   * lambdas) only. For hosts that say nothing about the class path.
   */
  enum None implements ClassFiles {
    INSTANCE;

    @Override
    public byte @Nullable [] read(String internalName) {
      return null;
    }

    @Override
    public Origin origin(String internalName) {
      return Origin.NONE;
    }
  }

  /**
   * Whether {@code internalName} is certainly the JDK's, judged from the name alone: saves a lookup
   * per JDK class and gives the agent and the plugin the same answer without asking a class path.
   */
  static boolean isPlatform(String internalName) {
    return internalName.startsWith("java/") || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/") || internalName.startsWith("com/sun/")
        || internalName.startsWith("[");
  }

  /** The last path segment of a container location: {@code "ejml-core-0.43.jar"}. */
  static String fileName(String location) {
    String s = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    return s.substring(s.lastIndexOf('/') + 1);
  }
}
