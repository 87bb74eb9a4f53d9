package io.annexa.evaluation;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class of rule code so that it calls {@link RuleDeadline#check()} before every backward jump (each
 * loop iteration) and at the start of every method (each recursive call): every way compiled Java can run for
 * long without returning passes one of them. Calls into allowed library code (a slow regular expression) are not
 * covered; the scenario runner abandons those at the deadline.
 */
final class LoopCheckpoints {

    private static final String OWNER = "io/annexa/evaluation/RuleDeadline";

    private LoopCheckpoints() {
    }

    static byte[] instrument(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return next;
                }
                return new MethodVisitor(Opcodes.ASM9, next) {
                    private final Set<Label> seen = new HashSet<>();

                    private void checkpoint() {
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, OWNER, "check", "()V", false);
                    }

                    @Override
                    public void visitCode() {
                        super.visitCode();
                        if (!name.equals("<init>")) { // a constructor must call super() first; it cannot loop before
                            checkpoint();
                        }
                    }

                    @Override
                    public void visitLabel(Label label) {
                        seen.add(label);
                        super.visitLabel(label);
                    }

                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        if (seen.contains(label)) {
                            checkpoint();
                        }
                        super.visitJumpInsn(opcode, label);
                    }

                    @Override
                    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
                        if (seen.contains(dflt) || Set.of(labels).stream().anyMatch(seen::contains)) {
                            checkpoint();
                        }
                        super.visitTableSwitchInsn(min, max, dflt, labels);
                    }

                    @Override
                    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
                        if (seen.contains(dflt) || Set.of(labels).stream().anyMatch(seen::contains)) {
                            checkpoint();
                        }
                        super.visitLookupSwitchInsn(dflt, keys, labels);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
