package io.annexa.access;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Stores an {@link Instant} as a {@code timestamp with time zone} in UTC. The persistence provider
 * (Jakarta Persistence 3.1) does not map {@code Instant} by itself and would serialise it into a binary
 * column that neither people nor SQL can read; {@code OffsetDateTime} it maps on H2 and PostgreSQL alike.
 */
@Converter
public class InstantColumn implements AttributeConverter<Instant, OffsetDateTime> {

    @Override
    public OffsetDateTime convertToDatabaseColumn(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Instant convertToEntityAttribute(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
