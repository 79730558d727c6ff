# Script half of dd_embed_file: writes INPUT's bytes as a C array to OUTPUT.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT} by cmake/EmbedFileRun.cmake. */\n"
     "const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
     "const unsigned long ${SYMBOL}_len = ${len};\n")
