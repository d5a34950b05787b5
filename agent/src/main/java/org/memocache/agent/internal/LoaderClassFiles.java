package org.memocache.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * The agent's {@link ClassFiles}: class files as the woven class's loader finds them
 * ({@code getResource}), and their origin from where it finds them. A class is of the own code
 * source when its resource lies in the same container as the woven class's: the same class
 * directory ({@code file:/app/classes/}) or the same jar (the part of a {@code jar:} URL before
 * its last {@code !/}, which also separates a fat jar's nested {@code BOOT-INF/classes}). The JDK
 * ({@code jrt:}) counts as nothing, a jar as a library named by its file name and manifest version,
 * a class of another directory by its class file's hash.
 */
public final class LoaderClassFiles implements ClassFiles {
  /** Jar identities by container: a jar does not change under a running JVM's class loaders. */
  private static final Map<String, Origin> JARS = new ConcurrentHashMap<>();

  private final ClassLoader loader;
  private final @Nullable String ownContainer;
  private final Map<String, byte @Nullable []> files = new HashMap<>();

  /**
   * @param loader the class loader of the class being woven
   * @param ownInternalName the class being woven
   * @param domain its protection domain, whose code source locates the class when its loader
   *     cannot find it as a resource
   */
  public LoaderClassFiles(ClassLoader loader, String ownInternalName, @Nullable ProtectionDomain domain) {
    this.loader = loader;
    URL self = loader.getResource(ownInternalName + ".class");
    String container = self == null ? null : container(self, ownInternalName);
    this.ownContainer = container != null ? container : LoaderChecks.location(domain);
  }

  @Override
  public byte @Nullable [] read(String internalName) {
    if (files.containsKey(internalName)) {
      return files.get(internalName);
    }
    byte[] b;
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      b = in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      b = null;
    }
    files.put(internalName, b);
    return b;
  }

  @Override
  public Origin origin(String internalName) {
    if (ClassFiles.isPlatform(internalName)) {
      return Origin.NONE;
    }
    URL url = loader.getResource(internalName + ".class");
    if (url == null || url.getProtocol().equals("jrt")) {
      return Origin.NONE;
    }
    String container = container(url, internalName);
    if (container == null) {
      return Origin.directoryClass(read(internalName));
    }
    if (container.equals(ownContainer)) {
      return Origin.OWN;
    }
    if (url.getProtocol().equals("jar")) {
      return JARS.computeIfAbsent(container, c -> Origin.jar(ClassFiles.fileName(c), manifest(url)));
    }
    return Origin.directoryClass(read(internalName));
  }

  /** The jar or directory that holds {@code url}, the resource of class {@code internalName}. */
  static @Nullable String container(URL url, String internalName) {
    String s = url.toExternalForm();
    if (url.getProtocol().equals("jar")) {
      int bang = s.lastIndexOf("!/");
      return bang < 0 ? null : s.substring("jar:".length(), bang);
    }
    String suffix = internalName + ".class";
    return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : null;
  }

  private static @Nullable Manifest manifest(URL classUrl) {
    try {
      URLConnection c = classUrl.openConnection();
      return c instanceof JarURLConnection jar ? jar.getManifest() : null;
    } catch (IOException | RuntimeException e) {
      return null; // unreadable manifest: the file name alone identifies the jar
    }
  }
}
