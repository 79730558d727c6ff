# Compiler flags shared by every target, and the Sanitize build type
# (AddressSanitizer + UndefinedBehaviorSanitizer, aborting on the first report).
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)
add_compile_definitions(_GNU_SOURCE)

set(_dd_san "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
set(CMAKE_C_FLAGS_SANITIZE "-O1 -g ${_dd_san}" CACHE STRING "Sanitize C flags" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_SANITIZE "${_dd_san}" CACHE STRING "Sanitize link flags" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_SANITIZE "${_dd_san}" CACHE STRING "" FORCE)
mark_as_advanced(CMAKE_C_FLAGS_SANITIZE CMAKE_EXE_LINKER_FLAGS_SANITIZE
                 CMAKE_SHARED_LINKER_FLAGS_SANITIZE)
