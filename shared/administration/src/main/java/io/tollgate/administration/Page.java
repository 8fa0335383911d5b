package io.tollgate.administration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a listing and the opaque cursor of the next one (empty on the last page). A page
 * may hold fewer items than asked for, even none, while a next cursor exists: scope filters apply
 * after DynamoDB's page limit. Clients follow {@code next_cursor} until it is absent.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {

    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
