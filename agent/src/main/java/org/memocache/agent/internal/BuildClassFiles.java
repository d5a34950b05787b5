package org.memocache.agent.internal;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.jspecify.annotations.Nullable;

/**
 * The build plugin's {@link ClassFiles}: class files through the build's {@link ClassFileLocator},
 * and their origin from the build's own class folder (own code) and its class path (libraries:
 * jars by file name and manifest version, other class folders by class file hash), as
 * byte-buddy-maven-plugin hands them to the plugin. Classes found in neither count as the JDK's.
 */
public final class BuildClassFiles implements ClassFiles {
  private final ClassFileLocator locator;
  private final ClassPath classPath;

  /**
   * @param locator reads the build's classes and its dependencies'
   * @param classPath where they come from
   */
  public BuildClassFiles(ClassFileLocator locator, ClassPath classPath) {
    this.locator = locator;
    this.classPath = classPath;
  }

  @Override
  public byte @Nullable [] read(String internalName) {
    byte[] original = classPath.original(internalName);
    if (original != null) {
      return original;
    }
    try {
      ClassFileLocator.Resolution r = locator.locate(internalName.replace('/', '.'));
      return r.isResolved() ? r.resolve() : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public Origin origin(String internalName) {
    return ClassFiles.isPlatform(internalName) ? Origin.NONE : classPath.origin(internalName);
  }

  /**
   * The build's class folder and class path, with the jars opened on first need and kept open for
   * the whole build ({@link #close}).
   */
  public static final class ClassPath implements Closeable {
    private final File classes;
    private final List<File> entries = new ArrayList<>();
    private final Map<File, @Nullable JarFile> jars = new HashMap<>();
    private final Map<File, Origin> jarOrigins = new HashMap<>();
    private final Map<String, byte[]> originals = new ConcurrentHashMap<>();

    /**
     * @param classes the folder of the classes being woven
     * @param classPath the build's class path (the folder itself may be on it)
     */
    public ClassPath(File classes, List<File> classPath) {
      this.classes = classes.getAbsoluteFile();
      for (File f : classPath) {
        if (!f.getAbsoluteFile().equals(this.classes)) {
          entries.add(f.getAbsoluteFile());
        }
      }
    }

    /**
     * Remembers the class file of a class before it is woven (in place), so that callers' walks
     * read what the agent would read.
     */
    public void keepOriginal(String internalName, byte[] classFile) {
      originals.put(internalName, classFile);
    }

    byte @Nullable [] original(String internalName) {
      return originals.get(internalName);
    }

    synchronized Origin origin(String internalName) {
      String path = internalName + ".class";
      if (new File(classes, path).isFile()) {
        return Origin.OWN;
      }
      for (File entry : entries) {
        if (entry.isDirectory()) {
          File f = new File(entry, path);
          if (f.isFile()) {
            try {
              return Origin.directoryClass(Files.readAllBytes(f.toPath()));
            } catch (IOException e) {
              return Origin.directoryClass(null);
            }
          }
        } else {
          JarFile jar = jar(entry);
          if (jar != null && jar.getEntry(path) != null) {
            return jarOrigins.computeIfAbsent(entry, e -> {
              try {
                return Origin.jar(e.getName(), jar.getManifest());
              } catch (IOException x) {
                return Origin.jar(e.getName(), null);
              }
            });
          }
        }
      }
      return Origin.NONE;
    }

    private @Nullable JarFile jar(File file) {
      if (!jars.containsKey(file)) {
        JarFile jar;
        try {
          jar = file.isFile() ? new JarFile(file) : null;
        } catch (IOException e) {
          jar = null; // not a jar: nothing of the build's classes can come from it
        }
        jars.put(file, jar);
      }
      return jars.get(file);
    }

    @Override
    public synchronized void close() throws IOException {
      for (JarFile jar : jars.values()) {
        if (jar != null) {
          jar.close();
        }
      }
      jars.clear();
    }
  }
}
