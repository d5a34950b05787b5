package org.memocache.agent.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.MethodSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The agent's options as picocli sees them: {@code key=value} words without dashes. Every value is
 * converted and checked here; {@code AgentOptions} then turns them into {@code Memo.Builder} calls.
 * List options ({@code methods}, {@code stateless}, {@code allow}) accumulate over repeats and over
 * the config file; for the others the last value wins, so the command line overrides the file.
 */
@Command(name = "memocache-agent")
public final class OptionsSpec {

  /** The option names, in the order {@code AgentOptions.toString()} prints them. */
  public static final List<String> NAMES = List.of(
      "methods", "dir", "config", "memory", "disk", "stateless", "allow", "fingerprint", "verbose");

  @Option(names = "methods", split = ";", converter = SelectorConverter.class,
      description = "Methods to memoize without an annotation, ';'-separated: com.acme.Fit#fit, com.acme.Io#load(java.nio.file.Path), com.acme.Fit#*")
  public List<MethodSelector> methods = new ArrayList<>();

  @Option(names = "dir", description = "The cache directory (default $MEMOCACHE_DIR or ~/.cache/memocache)")
  public @Nullable Path dir;

  @Option(names = "config", description = "A properties file with the same keys; options given here override it")
  public @Nullable Path config;

  @Option(names = "memory", converter = SizeConverter.class, description = "Bound of the memory tier, such as 512m")
  public @Nullable Long memory;

  @Option(names = "disk", converter = SizeConverter.class, description = "Bound of the disk tier, such as 50g")
  public @Nullable Long disk;

  @Option(names = "stateless", split = ";", converter = ClassNameConverter.class,
      description = "Classes whose instance state is left out of the keys of their methods named by methods=")
  public List<String> stateless = new ArrayList<>();

  @Option(names = "allow", split = ";", converter = ClassNameConverter.class,
      description = "Packages (or classes) whose objects may be decoded from the cache")
  public List<String> allow = new ArrayList<>();

  @Option(names = "fingerprint", arity = "1", description = "Whether a hash of each method's bytecode is part of its identity (default true)")
  public boolean fingerprint = true;

  @Option(names = "verbose", arity = "0..1", fallbackValue = "true", description = "Log every woven method")
  public boolean verbose;

  /** Reads a {@link MethodSelector}. */
  public static final class SelectorConverter implements ITypeConverter<MethodSelector> {
    @Override
    public MethodSelector convert(String value) {
      try {
        return MethodSelector.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Reads a size with {@link ByteSizes#parse}. */
  public static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return ByteSizes.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Checks a class or package name. */
  public static final class ClassNameConverter implements ITypeConverter<String> {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
        "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

    @Override
    public String convert(String value) {
      String v = value.strip();
      if (!NAME.matcher(v).matches()) {
        throw new TypeConversionException("'" + value + "' is not a class or package name such as com.acme.Fit");
      }
      return v;
    }
  }
}
