# The `valkey_codegen` target: regenerates generated/ from spec/ with codegen/ when any
# spec, override, generator module or template changed since the last run. With
# VALKEY_REGENERATE (on by default when Python 3 and Jinja2 are present) every build
# runs it before compiling the library, so an edited override takes effect at once.
#
# The generator writes only files whose bytes change, and every generated file is a
# byproduct (restat with Ninja), so a no-op regeneration recompiles nothing.
find_package(Python3 COMPONENTS Interpreter)
set(_valkey_codegen_ok OFF)
if(Python3_Interpreter_FOUND)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import jinja2"
    RESULT_VARIABLE _valkey_jinja2_rc OUTPUT_QUIET ERROR_QUIET)
  if(_valkey_jinja2_rc EQUAL 0)
    set(_valkey_codegen_ok ON)
  endif()
endif()

option(VALKEY_REGENERATE
  "Regenerate generated/ from spec/ during the build when its inputs change"
  ${_valkey_codegen_ok})

if(NOT _valkey_codegen_ok)
  if(VALKEY_REGENERATE)
    message(WARNING "VALKEY_REGENERATE needs Python 3 with Jinja2 (python3-jinja2); "
                    "building from the committed generated/ instead")
  endif()
  return()
endif()

file(GLOB_RECURSE _valkey_codegen_inputs CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/spec/*.json
  ${PROJECT_SOURCE_DIR}/codegen/*.py
  ${PROJECT_SOURCE_DIR}/codegen/templates/*.j2
)
file(GLOB_RECURSE _valkey_codegen_outputs CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/generated/*.hpp
  ${PROJECT_SOURCE_DIR}/generated/*.cpp
  ${PROJECT_SOURCE_DIR}/generated/*.cmake
)
set(_valkey_codegen_stamp ${CMAKE_BINARY_DIR}/codegen.stamp)
add_custom_command(
  OUTPUT ${_valkey_codegen_stamp}
  BYPRODUCTS ${_valkey_codegen_outputs}
  COMMAND ${Python3_EXECUTABLE} -m codegen --spec spec --out generated
  COMMAND ${CMAKE_COMMAND} -E touch ${_valkey_codegen_stamp}
  DEPENDS ${_valkey_codegen_inputs}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "codegen: spec/ -> generated/"
  VERBATIM
)
if(VALKEY_REGENERATE)
  add_custom_target(valkey_codegen ALL DEPENDS ${_valkey_codegen_stamp})
else()
  add_custom_target(valkey_codegen DEPENDS ${_valkey_codegen_stamp})
endif()
