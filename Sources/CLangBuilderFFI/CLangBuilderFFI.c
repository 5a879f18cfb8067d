#include "CLangBuilderFFI.h"

#include <ffi.h>
#include <stdlib.h>

struct lb_ffi_interface {
    ffi_cif cif;
    ffi_type **argument_types;
};

static ffi_type *lb_ffi_type(char letter)
{
    switch (letter) {
    case 'v': return &ffi_type_void;
    case 'b': return &ffi_type_uint8;
    case 'i': return &ffi_type_sint32;
    case 'l': return &ffi_type_sint64;
    case 'f': return &ffi_type_float;
    case 'd': return &ffi_type_double;
    case 's':
    case 'S': return &ffi_type_pointer;
    default: return NULL;
    }
}

lb_ffi_interface *lb_ffi_prepare(char result, const char *parameters, size_t count, int *status)
{
    ffi_type *result_type = lb_ffi_type(result);
    if (result_type == NULL) { *status = -1; return NULL; }
    lb_ffi_interface *interface = calloc(1, sizeof(lb_ffi_interface));
    if (interface == NULL) { *status = -2; return NULL; }
    interface->argument_types = calloc(count ? count : 1, sizeof(ffi_type *));
    if (interface->argument_types == NULL) { free(interface); *status = -2; return NULL; }
    for (size_t i = 0; i < count; i++) {
        ffi_type *type = lb_ffi_type(parameters[i]);
        if (type == NULL || type == &ffi_type_void) {
            free(interface->argument_types);
            free(interface);
            *status = -1;
            return NULL;
        }
        interface->argument_types[i] = type;
    }
    ffi_status prepared = ffi_prep_cif(&interface->cif, FFI_DEFAULT_ABI, (unsigned int)count, result_type,
                                       interface->argument_types);
    if (prepared != FFI_OK) {
        free(interface->argument_types);
        free(interface);
        *status = (int)prepared;
        return NULL;
    }
    *status = 0;
    return interface;
}

void lb_ffi_call(const lb_ffi_interface *interface, void (*function)(void), void *result, void **arguments)
{
    ffi_call((ffi_cif *)&interface->cif, function, result, arguments);
}
