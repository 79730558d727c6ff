# dd_embed_file(<input> <output.c> <symbol>): makes a C file that defines
#   const unsigned char <symbol>[];  const unsigned long <symbol>_len;
# holding the bytes of <input>, so data files (service models) ship inside
# the binary and are still edited as data.
function(dd_embed_file input output symbol)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFileRun.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedFileRun.cmake
    COMMENT "Embedding ${input}")
endfunction()
