package io.tollgate.devkit;

/**
 * A template that cannot be found, parsed or understood locally: the message names the file, resource,
 * property or variable at fault, so the fix is obvious from the message alone.
 */
public final class SamTemplateException extends RuntimeException {

    public SamTemplateException(String message) {
        super(message);
    }

    public SamTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
