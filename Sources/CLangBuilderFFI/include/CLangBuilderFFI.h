/*
 * CLangBuilderFFI: the host's only contact with libffi. It prepares a call interface once per exported
 * C function (from the type letters of lb_function.signature) and calls through it.
 */
#ifndef CLANGBUILDER_FFI_H
#define CLANGBUILDER_FFI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A prepared libffi call interface (ffi_cif and its argument types). Never freed: bundles stay loaded. */
typedef struct lb_ffi_interface lb_ffi_interface;

/**
 * Prepares the call interface for a result letter and `count` parameter letters (see lb_function in
 * langbuilder.h). Returns NULL and sets `*status` to the libffi status (or -1 for an unknown letter).
 */
lb_ffi_interface *lb_ffi_prepare(char result, const char *parameters, size_t count, int *status);

/**
 * Calls `function` through the interface. `arguments[i]` points at the storage of parameter i (8 bytes,
 * naturally aligned); `result` points at 16 bytes of storage for the result.
 */
void lb_ffi_call(const lb_ffi_interface *interface, void (*function)(void), void *result, void **arguments);

#ifdef __cplusplus
}
#endif

#endif
