package org.memocache.annotations.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;
import org.memocache.annotations.Memoize;

/**
 * The compile-time rules for one {@code @Memoize} method: what can be memoized at all, which
 * parameters can be part of a key (by {@link KeyTypeRules}, the same table as the run-time key
 * encoder), valid attribute values. Reports through a {@link Reporter}; yields the method's index
 * entry when it passed.
 */
final class MemoizeChecks {

  static final String MEMOIZE = Memoize.class.getCanonicalName();
  static final String IGNORE = Memoize.Ignore.class.getCanonicalName();
  static final String BY_CONTENT = Memoize.ByContent.class.getCanonicalName();
  static final String STATELESS = Memoize.Stateless.class.getCanonicalName();

  /** Something found about a type reached from a parameter or the receiver. */
  private record Finding(boolean error, String text) {}

  /** The attribute values of one {@code @Memoize} that the checks need. */
  private record Attributes(String name, int version, List<String> tiers, boolean stateless) {}

  private final Elements elements;
  private final TypeReader reader;
  private final Reporter reporter;
  /** Null when the compiler offers no tree API. */
  private final @Nullable ParameterWrites writes;

  MemoizeChecks(Elements elements, TypeReader reader, Reporter reporter, @Nullable ParameterWrites writes) {
    this.elements = elements;
    this.reader = reader;
    this.reporter = reporter;
    this.writes = writes;
  }

  /**
   * Checks a method annotated {@code @Memoize} and returns its index entry, or empty when an error
   * was reported.
   */
  Optional<MethodIndex.Entry> check(ExecutableElement method, AnnotationMirror memoize) {
    int errorsBefore = reporter.errors();
    // Messages are built only when reported: most methods have none, and signatures cost.
    Supplier<String> subject = () -> "@Memoize " + signature(method);
    if (method.getKind() == ElementKind.CONSTRUCTOR) {
      reporter.error(method, subject.get() + ": a constructor cannot be memoized, it must create a"
          + " new object on every call: memoize a static factory method instead");
      return Optional.empty();
    }
    if (method.getKind() != ElementKind.METHOD) {
      reporter.error(method, subject.get() + ": only methods can be memoized");
      return Optional.empty();
    }
    TypeElement owner = (TypeElement) requireNonNull(method.getEnclosingElement());
    Set<Modifier> modifiers = method.getModifiers();
    if (modifiers.contains(Modifier.ABSTRACT)) {
      String what = owner.getKind().isInterface()
          ? "an interface method without a body has nothing to memoize: annotate the"
              + " implementing methods, or give it a default body"
          : "an abstract method has no body to memoize: annotate the implementing methods";
      reporter.error(method, subject.get() + ": " + what);
    }
    if (modifiers.contains(Modifier.NATIVE)) {
      reporter.error(method, subject.get() + ": a native method has no bytecode to weave: memoize a"
          + " Java method that calls it");
    }

    Attributes attributes = readAttributes(method, memoize, subject);

    TypeMirror returnType = method.getReturnType();
    reader.rejectedReturn(returnType).ifPresent(reason -> reporter.error(method,
        subject.get() + ": cannot return " + TypeReader.display(returnType) + ": " + reason));
    if (reader.classify(returnType) instanceof KeyType.FunctionLike
        && (attributes.tiers().contains(Memoize.Tier.STORED.name()) || attributes.tiers().contains("DISK"))) {
      reporter.warning(method, memoize, subject.get() + ": returns a functional interface ("
          + TypeReader.display(returnType) + "): a lambda result can be kept in the memory tier"
          + " only, storing it on disk fails at run time; use tiers = Memoize.Tier.MEMORY, or"
          + " return data");
    }

    boolean isStatic = modifiers.contains(Modifier.STATIC);
    if (isStatic && attributes.stateless()) {
      reporter.warning(method, memoize, subject.get() + ": stateless = true has no effect on a"
          + " static method");
    }
    if (!isStatic && !attributes.stateless()
        && !TypeReader.hasAnnotation(owner.getAnnotationMirrors(), STATELESS)) {
      checkReceiver(method, owner, subject);
    }

    for (VariableElement parameter : method.getParameters()) {
      checkParameter(parameter, subject);
    }
    if (writes != null) {
      writes.find(method).forEach((parameter, code) -> reporter.warning(parameter, subject.get()
          + ": writes into its parameter '" + parameter.getSimpleName() + "' (" + code + "): a cache hit"
          + " would skip that write and leave the caller's argument unchanged; return the result instead"
          + " (at run time MemoCache stops memoizing a method once it sees it change an argument)"));
    }

    if (reporter.errors() > errorsBefore) {
      return Optional.empty();
    }
    String className = reader.binaryName(owner);
    String methodName = method.getSimpleName().toString();
    String cacheName =
        attributes.name().isEmpty() ? className + "#" + methodName : attributes.name();
    return Optional.of(new MethodIndex.Entry(className, methodName, reader.descriptor(method),
        attributes.version(), cacheName));
  }

  /**
   * Warns about {@code @Memoize.Ignore} / {@code @Memoize.ByContent} on a parameter of a method that
   * is not memoized: they do nothing there, which is probably not what the author thinks.
   */
  void checkStrayParameterAnnotations(ExecutableElement method) {
    for (VariableElement parameter : method.getParameters()) {
      for (String annotation : List.of(IGNORE, BY_CONTENT)) {
        TypeReader.find(parameter.getAnnotationMirrors(), annotation).ifPresent(mirror ->
            reporter.warning(parameter, mirror, "@" + shortName(annotation) + " on parameter '"
                + parameter.getSimpleName() + "' of " + signature(method) + " has no effect: the"
                + " method is not annotated @Memoize"));
      }
    }
  }

  private void checkParameter(VariableElement parameter, Supplier<String> subject) {
    List<? extends AnnotationMirror> annotations = parameter.getAnnotationMirrors();
    TypeMirror type = parameter.asType();
    // An injected Progress is never part of the key, annotated @Memoize.Ignore or not.
    boolean ignored = TypeReader.hasAnnotation(annotations, IGNORE)
        || KeyTypeRules.isInjected(reader.typeAndSupertypes(type).get(0));
    Optional<AnnotationMirror> byContent = TypeReader.find(annotations, BY_CONTENT);
    Supplier<String> what = () -> subject.get() + ": parameter '" + parameter.getSimpleName()
        + "' (" + TypeReader.display(type) + ")";
    if (byContent.isPresent()) {
      if (ignored) {
        reporter.warning(parameter, byContent.get(), what.get() + " is marked both @Memoize.Ignore"
            + " and @Memoize.ByContent: it is left out of the key, so ByContent has no effect");
      } else if (!(reader.classify(type) instanceof KeyType.BuiltIn b
          && (b.rule() == KeyRule.PATH || b.rule() == KeyRule.FILE))) {
        reporter.error(parameter, what.get() + " is marked @Memoize.ByContent, which applies only to"
            + " java.nio.file.Path and java.io.File parameters");
        return;
      }
    }
    if (ignored) {
      return;
    }
    List<Finding> findings = new ArrayList<>();
    inspect(type, List.of(), null, new HashSet<>(), findings);
    for (Finding f : findings) {
      if (f.error()) {
        String hint = f.text().contains("@Memoize.Ignore") ? ""
            : "; mark the parameter @Memoize.Ignore if it does not change the result";
        reporter.error(parameter, what.get() + " cannot be part of a cache key: " + f.text() + hint);
      } else {
        reporter.warning(parameter, what.get() + joint(f.text()) + f.text());
      }
    }
  }

  /** The state of {@code this} is part of the key of an instance method: it must be hashable. */
  private void checkReceiver(
      ExecutableElement method, TypeElement owner, Supplier<String> subject) {
    List<Finding> findings = new ArrayList<>();
    inspect(owner.asType(), List.of(), null, new HashSet<>(), findings);
    Supplier<String> what =
        () -> subject.get() + ": the receiver (this " + TypeReader.display(owner.asType()) + ")";
    for (Finding f : findings) {
      if (f.error()) {
        // The table's advice after the first ": " speaks of parameters; keep only the why.
        String why = f.text().split(": ", 2)[0];
        reporter.error(method, what.get() + " cannot be part of a cache key: " + why + "; declare"
            + " @Memoize(stateless = true), or @Memoize.Stateless on the class, if its state does"
            + " not change the result");
      } else {
        reporter.warning(method, what.get() + joint(f.text()) + f.text());
      }
    }
  }

  /**
   * Judges a type the way the key encoder will hash it, descending into the parts the encoder
   * hashes: elements of containers and arrays, components of records.
   *
   * @param steps the way from the parameter to this type, outermost first ("elements", "record
   *     component 'source'")
   * @param record the innermost record on the way, or null: a problem inside a record is a warning,
   *     because a KeyEncoder registered for the record can replace its walk
   * @param visiting records on the way, so that recursive records end
   */
  private void inspect(TypeMirror type, List<String> steps, @Nullable String record, Set<String> visiting,
      List<Finding> out) {
    KeyType decided = reader.classify(type);
    if (decided instanceof KeyType.Unhashable u) {
      String text = steps.isEmpty() ? u.reason()
          : path(steps) + " (" + TypeReader.display(type) + ") cannot be hashed: " + u.reason();
      if (record == null) {
        out.add(new Finding(true, text));
      } else {
        out.add(new Finding(false, text + ". Such calls are not memoized (they compute, with a"
            + " warning at run time) unless a KeyEncoder is registered for " + record));
      }
    } else if (decided instanceof KeyType.FunctionLike f) {
      String text = steps.isEmpty() ? "is a functional interface: " + f.advice()
          : path(steps) + " (" + TypeReader.display(type) + ") are functional interfaces: "
              + f.advice();
      out.add(new Finding(false, text));
    } else if (decided instanceof KeyType.BuiltIn b) {
      switch (b.rule()) {
        case ARRAY -> inspect(((ArrayType) type).getComponentType(), append(steps, "elements"),
            record, visiting, out);
        case LIST, SET, MAP, MAP_ENTRY, COLLECTION, OPTIONAL -> {
          for (TypeReader.Part part : reader.parts(type)) {
            inspect(part.type(), append(steps, part.role()), record, visiting, out);
          }
        }
        case RECORD -> {
          String name = reader.typeAndSupertypes(type).get(0);
          if (visiting.add(name)) {
            for (TypeReader.Part component : reader.recordComponents(type)) {
              String step = "record component '" + component.role() + "'";
              inspect(component.type(), append(steps, step), TypeReader.display(type), visiting,
                  out);
            }
            visiting.remove(name);
          }
        }
        default -> { }
      }
    }
  }

  /** A finding about the subject itself reads on ("... is a ..."), one about a part after ": ". */
  private static String joint(String findingText) {
    return findingText.startsWith("is ") ? " " : ": ";
  }

  /** "its elements", "the values of its elements", "record component 'source' of its elements". */
  private static String path(List<String> steps) {
    StringBuilder sb = new StringBuilder();
    for (int i = steps.size() - 1; i >= 0; i--) {
      String step = steps.get(i);
      if (i == 0) {
        sb.append("its ").append(step);
      } else {
        sb.append(step.startsWith("record") ? step : "the " + step).append(" of ");
      }
    }
    return sb.toString();
  }

  private static List<String> append(List<String> steps, String step) {
    List<String> longer = new ArrayList<>(steps);
    longer.add(step);
    return longer;
  }

  private Attributes readAttributes(ExecutableElement method, AnnotationMirror memoize,
      Supplier<String> subject) {
    Map<? extends ExecutableElement, ? extends AnnotationValue> explicit =
        memoize.getElementValues();
    Map<? extends ExecutableElement, ? extends AnnotationValue> all =
        elements.getElementValuesWithDefaults(memoize);
    String name = "";
    int version = 0;
    List<String> tiers = List.of(Memoize.Tier.MEMORY.name(), Memoize.Tier.STORED.name());
    boolean stateless = false;
    for (var e : all.entrySet()) {
      String attribute = e.getKey().getSimpleName().toString();
      AnnotationValue value = e.getValue();
      Object v = value.getValue();
      boolean isExplicit = explicit.containsKey(e.getKey());
      switch (attribute) {
        case "name" -> {
          if (v instanceof String s) {
            name = s;
            if (isExplicit) {
              checkName(method, memoize, value, subject, s);
            }
          }
        }
        case "version" -> {
          if (v instanceof Integer i) {
            version = i;
            if (i < 0) {
              reporter.error(method, memoize, value, subject.get() + ": version = " + i
                  + " must not be negative (bump it upwards to invalidate old results)");
            }
          }
        }
        case "expireAfter" -> {
          if (v instanceof String s && !s.isEmpty()) {
            checkExpireAfter(method, memoize, value, subject, s);
          }
        }
        case "tiers" -> {
          if (v instanceof List<?> list) {
            List<String> names = new ArrayList<>();
            for (Object item : list) {
              if (item instanceof AnnotationValue av && av.getValue() instanceof VariableElement c) {
                names.add(c.getSimpleName().toString());
              }
            }
            tiers = names;
            if (list.isEmpty()) {
              reporter.error(method, memoize, value, subject.get() + ": tiers = {} must name at"
                  + " least one tier (Memoize.Tier.MEMORY, Memoize.Tier.STORED)");
            }
          }
        }
        case "stateless" -> {
          if (v instanceof Boolean b) {
            stateless = b;
          }
        }
        default -> { }
      }
    }
    return new Attributes(name, version, tiers, stateless);
  }

  private void checkName(ExecutableElement method, AnnotationMirror memoize, AnnotationValue value,
      Supplier<String> subject, String name) {
    if (name.isEmpty()) {
      return;
    }
    if (name.isBlank()) {
      reporter.error(method, memoize, value, subject.get() + ": name = \"" + name + "\" must not be"
          + " blank; leave it out for the default Class#method");
      return;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        reporter.error(method, memoize, value, subject.get() + ": name = \""
            + name.replace("\t", "\\t").replace("\n", "\\n") + "\" must not contain tabs, line"
            + " breaks or other control characters");
        return;
      }
    }
  }

  private void checkExpireAfter(ExecutableElement method, AnnotationMirror memoize,
      AnnotationValue value, Supplier<String> subject, String text) {
    try {
      Duration d = Duration.parse(text);
      if (d.isNegative() || d.isZero()) {
        reporter.error(method, memoize, value, subject.get() + ": expireAfter = \"" + text
            + "\" must be a positive duration");
      }
    } catch (DateTimeParseException e) {
      reporter.error(method, memoize, value, subject.get() + ": expireAfter = \"" + text
          + "\" is not an ISO-8601 duration; write days and smaller units, such as \"PT12H\" or"
          + " \"P30D\""
          + " (months and years vary in length and are not accepted)");
    }
  }

  /** {@code simulate(int, long)}; a constructor by its class name. */
  static String signature(ExecutableElement method) {
    String name = method.getKind() == ElementKind.CONSTRUCTOR
        ? requireNonNull(method.getEnclosingElement()).getSimpleName().toString()
        : method.getSimpleName().toString();
    StringBuilder sb = new StringBuilder(name).append('(');
    List<? extends VariableElement> parameters = method.getParameters();
    for (int i = 0; i < parameters.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(TypeReader.display(parameters.get(i).asType()));
    }
    return sb.append(')').toString();
  }

  /** Whether a method's signature still has types that later rounds may generate. */
  boolean isUnresolved(ExecutableElement method) {
    if (reader.isUnresolved(method.getReturnType())) {
      return true;
    }
    for (Element p : method.getParameters()) {
      if (reader.isUnresolved(p.asType())) {
        return true;
      }
    }
    return false;
  }

  private static String shortName(String annotation) {
    return annotation.substring(annotation.lastIndexOf("Memoize"));
  }
}
