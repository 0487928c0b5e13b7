package dev.csvimport.engine.operation;

/**
 * Where an import's setUserAttributes and track rows are told as they are checked, without
 * operation objects.
 */
public interface OperationSink extends UserUpdateSink, TrackedEventSink {}
