package io.tollgate.devkit;

/**
 * Creates the handler object of a function, the way the Lambda runtime does once per container. The local
 * gateway calls it once per function and reuses the instance (a warm container), so the factory decides how a
 * handler is wired locally: real constructor, or one taking local collaborators (DynamoDB Local client, clock).
 */
@FunctionalInterface
public interface FunctionFactory {

    /** The handler instance for {@code spec}; it must have a public {@code handleRequest(event, Context)}. */
    Object create(FunctionSpec spec);

    /**
     * The Lambda runtime's own way: load {@link FunctionSpec#handlerClass()} with the context class loader and
     * call its public no-arg constructor.
     */
    static FunctionFactory noArgConstructors() {
        return spec -> {
            try {
                Class<?> type = Class.forName(spec.handlerClass(), true,
                        Thread.currentThread().getContextClassLoader());
                return type.getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot instantiate handler " + spec.handlerClass() + " of function "
                        + spec.logicalId(), e);
            }
        };
    }
}
