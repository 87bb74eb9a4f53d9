package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Every reference one compiled class makes to another class or member, read from its bytecode with ASM:
 * method calls, field accesses, {@code new}, casts and type checks, class literals, array creation, exception
 * handlers, invokedynamic bootstrap methods and each of their bootstrap arguments. Signatures of fields and
 * methods are not references: declaring a parameter of some type does nothing with it; using it shows up here.
 */
final class ClassReferences {

    /** What kind of use; {@link #member} is empty for a use of the class itself. */
    enum Kind { CALL, FIELD, NEW, TYPE, CLASS_LITERAL, BOOTSTRAP, HANDLE }

    /**
     * @param owner  internal name of the class reached ({@code java/lang/Runtime})
     * @param member method or field name, empty for a type use
     * @param descriptor method or field descriptor, empty for a type use
     * @param method the method of the inspected class the reference is in
     * @param line   Java source line from the LineNumberTable, 0 when the class has none
     */
    record Reference(String owner, String member, String descriptor, Kind kind, String method, int line) {

        /** {@code java.lang.Runtime.exec(String)}, as an analyst reads it. */
        String describe() {
            String type = Type.getObjectType(owner).getClassName();
            if (member.isEmpty()) {
                return type;
            }
            if (!descriptor.startsWith("(")) {
                return type + "." + member;
            }
            List<String> parameters = new ArrayList<>();
            for (Type parameter : Type.getArgumentTypes(descriptor)) {
                String name = parameter.getClassName();
                parameters.add(name.substring(name.lastIndexOf('.') + 1));
            }
            return type + "." + member + "(" + String.join(", ", parameters) + ")";
        }
    }

    /** One inspected class: its name, whether javac/ECJ compiled it from source, and what it reaches. */
    record Inspected(String name, boolean fromSource, List<Reference> references) {
    }

    private ClassReferences() {
    }

    static Inspected of(byte[] bytes) {
        Collector collector = new Collector();
        new ClassReader(bytes).accept(collector, ClassReader.SKIP_FRAMES);
        return new Inspected(collector.name, collector.fromSource, List.copyOf(collector.references));
    }

    private static final class Collector extends ClassVisitor {
        private final List<Reference> references = new ArrayList<>();
        private String name;
        private boolean fromSource;

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.name = name;
            if (superName != null) {
                references.add(new Reference(superName, "", "", Kind.TYPE, "<class>", 0));
            }
            for (String type : interfaces == null ? new String[0] : interfaces) {
                references.add(new Reference(type, "", "", Kind.TYPE, "<class>", 0));
            }
        }

        @Override
        public void visitSource(String source, String debug) {
            fromSource = source != null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private int line;

                private void add(String owner, String member, String memberDescriptor, Kind kind) {
                    references.add(new Reference(owner, member, memberDescriptor, kind, method, line));
                }

                private void addType(Type type, Kind kind) {
                    Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
                    if (element.getSort() == Type.OBJECT) {
                        add(element.getInternalName(), "", "", kind);
                    } else if (element.getSort() == Type.METHOD) {
                        for (Type argument : element.getArgumentTypes()) {
                            addType(argument, kind);
                        }
                        addType(element.getReturnType(), kind);
                    }
                }

                private void addConstant(Object value, Kind kind) {
                    if (value instanceof Type type) {
                        addType(type, kind);
                    } else if (value instanceof Handle handle) {
                        add(handle.getOwner(), handle.getName(), handle.getDesc(), Kind.HANDLE);
                    } else if (value instanceof ConstantDynamic dynamic) {
                        addConstant(dynamic.getBootstrapMethod(), Kind.BOOTSTRAP);
                        for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                            addConstant(dynamic.getBootstrapMethodArgument(i), Kind.HANDLE);
                        }
                    }
                }

                @Override
                public void visitLineNumber(int number, Label start) {
                    line = number;
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String member, String memberDescriptor, boolean isInterface) {
                    if (owner.startsWith("[")) { // clone() of an array
                        addType(Type.getType(owner), Kind.TYPE);
                        return;
                    }
                    add(owner, member, memberDescriptor, Kind.CALL);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String member, String memberDescriptor) {
                    add(owner, member, memberDescriptor, Kind.FIELD);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    Kind kind = opcode == Opcodes.NEW ? Kind.NEW : Kind.TYPE;
                    if (type.startsWith("[")) {
                        addType(Type.getType(type), kind);
                    } else {
                        add(type, "", "", kind);
                    }
                }

                @Override
                public void visitMultiANewArrayInsn(String arrayDescriptor, int dimensions) {
                    addType(Type.getType(arrayDescriptor), Kind.TYPE);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    addConstant(value, Kind.CLASS_LITERAL);
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    if (type != null) {
                        add(type, "", "", Kind.TYPE);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String member, String memberDescriptor, Handle bootstrap, Object... arguments) {
                    add(bootstrap.getOwner(), bootstrap.getName(), bootstrap.getDesc(), Kind.BOOTSTRAP);
                    for (Object argument : arguments) {
                        addConstant(argument, Kind.HANDLE);
                    }
                }
            };
        }
    }
}
