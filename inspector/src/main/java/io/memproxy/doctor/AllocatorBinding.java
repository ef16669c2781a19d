package io.memproxy.doctor;

/**
 * Where one of a program's own references to the malloc family (or operator new/delete) binds: {@code from}
 * (the referencing object) binds {@code symbol} to {@code to}. Not the loader's {@link
 * io.memproxy.loader.SymbolBinder.Binding}, which is any symbol's resolution between two loaded objects.
 */
public record AllocatorBinding(String exe, String symbol, String from, String to) {}
