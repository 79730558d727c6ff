# Fails when any tracked C source or header differs from clang-format's output.
file(GLOB_RECURSE _files RELATIVE ${SOURCE_DIR}
     ${SOURCE_DIR}/common/*.[ch] ${SOURCE_DIR}/sqs-emu/*.[ch] ${SOURCE_DIR}/cache-emu/*.[ch]
     ${SOURCE_DIR}/alb-emu/*.[ch] ${SOURCE_DIR}/app/*.[ch] ${SOURCE_DIR}/stack/*.[ch]
     ${SOURCE_DIR}/bench/*.[ch])
set(_bad "")
foreach(f ${_files})
  execute_process(COMMAND ${CLANG_FORMAT} --style=file --dry-run -Werror ${f}
                  WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND _bad ${f})
  endif()
endforeach()
list(LENGTH _files _n)
if(_bad)
  message(FATAL_ERROR "not clang-formatted: ${_bad}")
endif()
message(STATUS "${_n} files formatted")
