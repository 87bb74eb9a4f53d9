package io.annexa.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An endpoint anybody may call, in place of {@link Requires}, with the reason it must be open. There is one:
 * signing in ({@code POST /api/session}), which is how a caller gets credentials. {@code AccessMatrixIT} lists
 * the endpoints that may carry it, so another cannot be opened by accident.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Public {
    /** Why nobody needs to be signed in to call it. */
    String value();
}
