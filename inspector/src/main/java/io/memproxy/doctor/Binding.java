package io.memproxy.doctor;

/** One resolved symbol reference: {@code from} (the referencing object) binds {@code symbol} to {@code to}. */
public record Binding(String exe, String symbol, String from, String to) {}
