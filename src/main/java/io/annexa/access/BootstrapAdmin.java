package io.annexa.access;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The first start: with no users at all, Annexa creates {@code admin}. Its password is the one given
 * for automation ({@code annexa.bootstrap.admin-password}, i.e. {@code ANNEXA_BOOTSTRAP_ADMIN_PASSWORD}),
 * or a random one that is printed once and written to {@code <data>/initial-admin-password}, readable
 * by the owner only. There is never a default password.
 */
public final class BootstrapAdmin {

    public static final String USER = "admin";
    public static final String PASSWORD_FILE = "initial-admin-password";
    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class.getName());

    private BootstrapAdmin() {
    }

    /** Creates the admin if there are no users; returns where a generated password was written, if one was. */
    public static Optional<Path> ensure(AccessAdministration administration, AccessStore store, Optional<String> givenPassword,
                                        Path dataDirectory) throws IOException {
        if (store.countUsers() > 0) {
            return Optional.empty();
        }
        if (givenPassword.isPresent()) {
            administration.createUser(USER, givenPassword.get(), Role.ADMIN.label());
            LOG.info("created user 'admin' with the password given in annexa.bootstrap.admin-password");
            return Optional.empty();
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path file = dataDirectory.resolve(PASSWORD_FILE);
        Files.createDirectories(dataDirectory);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is creating " + file, e);
        }
        Files.writeString(file, password + System.lineSeparator());
        administration.createUser(USER, password, Role.ADMIN.label());
        // Printed once, on purpose: the operator needs it to sign in the first time, then changes it.
        LOG.warning("created user 'admin' with the random password " + password + " (also in " + file
                + ", readable by its owner only); sign in and change it: PUT /api/users/admin {\"password\": \"...\"}");
        return Optional.of(file);
    }
}
