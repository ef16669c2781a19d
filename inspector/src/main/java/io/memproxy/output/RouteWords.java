package io.memproxy.output;

import io.memproxy.doctor.Route;

/** A predicted route in words, the same in text and Markdown. */
final class RouteWords {
    private RouteWords() {}

    static String describe(Route r) {
        String route = switch (r.route()) {
            case ALLOCATOR -> "allocator " + r.allocator();
            case SYSTEM -> "glibc (system route)";
            case NONE -> "not proxied";
        };
        String malloc = r.mallocFrom().isEmpty() ? "" : "; malloc from " + r.mallocFrom();
        return route + ", reason " + r.reason() + malloc;
    }
}
