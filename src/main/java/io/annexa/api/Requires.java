package io.annexa.api;

import io.annexa.access.Role;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The weakest role that may call an endpoint (stronger roles may too). Every resource method names one:
 * {@link AccessFilter} refuses methods that do not, so a new endpoint is never open by accident.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
    Role value();
}
