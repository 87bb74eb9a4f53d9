package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** Turns one configuration file of one kind into facts, exactly as the program that reads it would. */
public interface ConfigParser {

    /** The kind of configuration, used as {@code source} of every fact: {@code sshd_config}. */
    String source();

    /**
     * @param file     the file to read
     * @param asset    the asset the file belongs to
     * @param observed when it was read
     * @throws InvalidInputException naming file and line when the content is not valid for its kind
     * @throws IOException           when the file (or a file it includes) cannot be read
     */
    ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException;
}
