package org.memocache.annotations.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads compile-time types ({@code javax.lang.model}) into what {@link KeyTypeRules} judges: binary
 * names of a type and its supertypes, element types of containers, JVM descriptors, and short
 * display names for messages.
 */
final class TypeReader {

  /** A type argument of a container together with its role: "elements", "keys", "values"... */
  record Part(String role, TypeMirror type) {}

  private final Types types;
  private final Elements elements;
  /** Supertype names per class: parameter types repeat across methods, their supertypes cost. */
  private final Map<TypeElement, List<String>> supertypes = new HashMap<>();

  TypeReader(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  /** Whether the type, or a type it is made of, could not be resolved (yet). */
  boolean isUnresolved(TypeMirror type) {
    return switch (type.getKind()) {
      case ERROR -> true;
      case ARRAY -> isUnresolved(((ArrayType) type).getComponentType());
      case DECLARED ->
          ((DeclaredType) type).getTypeArguments().stream().anyMatch(this::isUnresolved);
      default -> false;
    };
  }

  /** The key-type decision for a declared type, judged with all its supertypes. */
  KeyType classify(TypeMirror type) {
    switch (type.getKind()) {
      case ARRAY: {
        TypeMirror component = ((ArrayType) type).getComponentType();
        return KeyTypeRules.arrayOf(classify(component), component.getKind().isPrimitive());
      }
      case TYPEVAR:
        return classifyBounds(((TypeVariable) type).getUpperBound());
      case WILDCARD: {
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null ? KeyType.Walk.INSTANCE : classify(bound);
      }
      case DECLARED: {
        KeyType decided = KeyTypeRules.classify(typeAndSupertypes(type));
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        if (decided == KeyType.Walk.INSTANCE && element.getKind() == ElementKind.INTERFACE
            && hasAnnotation(element.getAnnotationMirrors(), "java.lang.FunctionalInterface")) {
          return KeyTypeRules.functional(binaryName(element));
        }
        return decided;
      }
      default:
        if (type.getKind().isPrimitive()) {
          return KeyTypeRules.classify(type.toString());
        }
        return KeyType.Walk.INSTANCE;
    }
  }

  /** A type variable: unhashable if any bound is, else judged by its first bound. */
  private KeyType classifyBounds(TypeMirror bound) {
    if (bound instanceof IntersectionType intersection) {
      KeyType first = null;
      for (TypeMirror b : intersection.getBounds()) {
        KeyType decided = classify(b);
        if (decided instanceof KeyType.Unhashable) {
          return decided;
        }
        if (first == null) {
          first = decided;
        }
      }
      return first == null ? KeyType.Walk.INSTANCE : first;
    }
    return classify(bound);
  }

  /**
   * Why a method may not return this type, or empty: {@link KeyTypeRules#rejectedReturn(List)} for
   * the type's erasure and supertypes.
   */
  Optional<String> rejectedReturn(TypeMirror type) {
    return switch (type.getKind()) {
      case VOID -> KeyTypeRules.rejectedReturn(List.of("void"));
      case ARRAY -> rejectedReturn(((ArrayType) type).getComponentType())
          .map(reason -> "its elements cannot be stored (" + reason + ")");
      case DECLARED, TYPEVAR -> futureValue(type).map(v -> rejectedReturn(v)
              .map(reason -> "the value it completes with cannot be stored (" + reason + ")"))
          .orElseGet(() -> KeyTypeRules.rejectedReturn(typeAndSupertypes(type)));
      default -> Optional.empty();
    };
  }

  /**
   * The value type of a {@code CompletableFuture<V>} or {@code CompletionStage<V>} (its bound, for
   * a wildcard; {@code Object} when raw), or empty for other types.
   */
  private Optional<TypeMirror> futureValue(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED
        || !KeyTypeRules.storesFutureValue(binaryName((TypeElement) ((DeclaredType) type).asElement()))) {
      return Optional.empty();
    }
    List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
    if (args.isEmpty()) {
      return Optional.of(elements.getTypeElement("java.lang.Object").asType());
    }
    TypeMirror v = args.get(0);
    if (v instanceof WildcardType w) {
      v = w.getExtendsBound() != null ? w.getExtendsBound() : elements.getTypeElement("java.lang.Object").asType();
    }
    return Optional.of(v);
  }

  /** Binary names of the erasure of a declared type and of all its supertypes, breadth first. */
  List<String> typeAndSupertypes(TypeMirror type) {
    TypeMirror erased = types.erasure(type);
    if (erased.getKind() != TypeKind.DECLARED) {
      return List.of("java.lang.Object");
    }
    return supertypes.computeIfAbsent((TypeElement) ((DeclaredType) erased).asElement(),
        element -> collectSupertypes(erased));
  }

  /** Forgets cached supertypes: a new round may bring new versions of classes. */
  void newRound() {
    supertypes.clear();
  }

  private List<String> collectSupertypes(TypeMirror erased) {
    Set<String> names = new LinkedHashSet<>();
    ArrayDeque<TypeMirror> queue = new ArrayDeque<>();
    queue.add(erased);
    while (!queue.isEmpty()) {
      TypeMirror next = queue.poll();
      if (next.getKind() != TypeKind.DECLARED) {
        continue;
      }
      if (names.add(binaryName((TypeElement) ((DeclaredType) next).asElement()))) {
        for (TypeMirror s : types.directSupertypes(next)) {
          queue.add(types.erasure(s));
        }
      }
    }
    return List.copyOf(names);
  }

  /**
   * The type arguments that a key encoder hashes inside a container: a collection's elements, a
   * map's keys and values, an entry's key and value, an optional's content. Found through the
   * supertypes with their type arguments substituted, so {@code class Names extends
   * ArrayList<Stream<String>>} yields {@code Stream<String>}. Empty for raw types and other types.
   */
  List<Part> parts(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return List.of();
    }
    ArrayDeque<TypeMirror> queue = new ArrayDeque<>();
    Set<String> seen = new LinkedHashSet<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      TypeMirror next = queue.poll();
      if (next.getKind() != TypeKind.DECLARED) {
        continue;
      }
      DeclaredType declared = (DeclaredType) next;
      String name = binaryName((TypeElement) declared.asElement());
      if (!seen.add(name)) {
        continue;
      }
      List<? extends TypeMirror> args = declared.getTypeArguments();
      switch (name) {
        case "java.util.Map":
          return args.size() == 2
              ? List.of(new Part("keys", args.get(0)), new Part("values", args.get(1)))
              : List.of();
        case "java.util.Map$Entry":
          return args.size() == 2
              ? List.of(new Part("key", args.get(0)), new Part("value", args.get(1)))
              : List.of();
        case "java.util.Collection":
          return args.size() == 1 ? List.of(new Part("elements", args.get(0))) : List.of();
        case "java.util.Optional":
          return args.size() == 1 ? List.of(new Part("content", args.get(0))) : List.of();
        default:
          queue.addAll(types.directSupertypes(next));
      }
    }
    return List.of();
  }

  /** The record components of a record type with their types as members of {@code type}. */
  List<Part> recordComponents(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return List.of();
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    if (element.getKind() != ElementKind.RECORD) {
      return List.of();
    }
    List<Part> parts = new ArrayList<>();
    for (var component : element.getRecordComponents()) {
      ExecutableElement accessor = component.getAccessor();
      // As a member of the declared type, so that Box<Stream<String>>'s T is a Stream.
      TypeMirror componentType = accessor == null
          ? component.asType()
          : ((ExecutableType) types.asMemberOf(declared, accessor)).getReturnType();
      parts.add(new Part(component.getSimpleName().toString(), componentType));
    }
    return parts;
  }

  /** The JVM descriptor of a method, such as {@code (IJLjava/util/List;)[D}. */
  String descriptor(ExecutableElement method) {
    StringBuilder sb = new StringBuilder("(");
    for (var p : method.getParameters()) {
      appendDescriptor(sb, p.asType());
    }
    sb.append(')');
    appendDescriptor(sb, method.getReturnType());
    return sb.toString();
  }

  private void appendDescriptor(StringBuilder sb, TypeMirror type) {
    TypeMirror erased = types.erasure(type);
    switch (erased.getKind()) {
      case BOOLEAN -> sb.append('Z');
      case BYTE -> sb.append('B');
      case SHORT -> sb.append('S');
      case CHAR -> sb.append('C');
      case INT -> sb.append('I');
      case LONG -> sb.append('J');
      case FLOAT -> sb.append('F');
      case DOUBLE -> sb.append('D');
      case VOID -> sb.append('V');
      case ARRAY -> {
        sb.append('[');
        appendDescriptor(sb, ((ArrayType) erased).getComponentType());
      }
      case DECLARED -> sb.append('L')
          .append(binaryName((TypeElement) ((DeclaredType) erased).asElement()).replace('.', '/'))
          .append(';');
      default -> throw new IllegalArgumentException("no JVM descriptor for type " + type
          + " (" + erased.getKind() + ")");
    }
  }

  /** The binary name of a class, such as {@code com.acme.Outer$Inner}. */
  String binaryName(TypeElement element) {
    return elements.getBinaryName(element).toString();
  }

  /** A short name for messages: simple names with type arguments, {@code List<Stream<String>>}. */
  static String display(TypeMirror type) {
    return switch (type.getKind()) {
      case ARRAY -> display(((ArrayType) type).getComponentType()) + "[]";
      case DECLARED -> {
        DeclaredType declared = (DeclaredType) type;
        StringBuilder sb = new StringBuilder(simpleNames(declared));
        List<? extends TypeMirror> args = declared.getTypeArguments();
        if (!args.isEmpty()) {
          sb.append('<');
          for (int i = 0; i < args.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(display(args.get(i)));
          }
          sb.append('>');
        }
        yield sb.toString();
      }
      case WILDCARD -> {
        WildcardType w = (WildcardType) type;
        if (w.getExtendsBound() != null) {
          yield "? extends " + display(w.getExtendsBound());
        }
        yield w.getSuperBound() != null ? "? super " + display(w.getSuperBound()) : "?";
      }
      default -> type.toString();
    };
  }

  /** {@code Map.Entry} for a nested type, {@code String} for a top-level one. */
  private static String simpleNames(DeclaredType type) {
    TypeElement element = (TypeElement) type.asElement();
    StringBuilder sb = new StringBuilder(element.getSimpleName());
    var outer = element.getEnclosingElement();
    while (outer instanceof TypeElement t) {
      sb.insert(0, t.getSimpleName() + ".");
      outer = t.getEnclosingElement();
    }
    return sb.toString();
  }

  static boolean hasAnnotation(List<? extends AnnotationMirror> mirrors, String qualifiedName) {
    return find(mirrors, qualifiedName).isPresent();
  }

  static Optional<AnnotationMirror> find(List<? extends AnnotationMirror> mirrors,
      String qualifiedName) {
    for (AnnotationMirror m : mirrors) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
