package io.memproxy.loader;

import io.memproxy.doctor.Inspection;

/** A layer violation on purpose, for ArchitectureTest to find: the loader must never use the doctor. */
final class UsesTheDoctor {
    private UsesTheDoctor() {}

    static Class<?> doctor() {
        return Inspection.class;
    }
}
