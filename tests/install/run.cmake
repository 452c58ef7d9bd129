# Run by ctest as `cmake -D... -P run.cmake` (see CMakeLists.txt beside this file).
# Every step stops the test with FATAL_ERROR and the step's own output when it fails.
#
#   1. cmake --install <build> --prefix <work>/prefix
#   2. configure tests/install/consumer with CMAKE_PREFIX_PATH=<work>/prefix
#   3. check that find_package picked the package from that prefix, not elsewhere
#   4. build the consumer and run it
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT CONFIG)
  set(CONFIG Release)  # what $<CONFIG> gives for a single-config build without a type
endif()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)
# Start from nothing so that a file left by an earlier run cannot make this one pass.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_step name)
  message(STATUS "install_consumer: ${name}")
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out
  )
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmdline "${ARGN}")
    message(FATAL_ERROR
      "install_consumer: step '${name}' failed (exit ${rc})\n"
      "command: ${cmdline}\n"
      "output:\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step("install into ${prefix}"
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --config ${CONFIG})

set(configure_args
  -S ${CONSUMER_SOURCE_DIR}
  -B ${consumer_build}
  -G ${GENERATOR}
  -DCMAKE_BUILD_TYPE=${CONFIG}
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
  # Only the scratch prefix may provide the package: ignore ~/.cmake/packages and
  # the system package registry.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
)
if(MAKE_PROGRAM)
  list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
run_step("configure the consumer" ${CMAKE_COMMAND} ${configure_args})

# A valkey-cpp installed elsewhere on the machine (e.g. /usr/local) must not stand in
# for the one just installed.
file(STRINGS ${consumer_build}/CMakeCache.txt found_dir REGEX "^valkey-cpp_DIR:")
string(REGEX REPLACE "^[^=]*=" "" found_dir "${found_dir}")
file(REAL_PATH "${prefix}" real_prefix)
file(REAL_PATH "${found_dir}" real_found_dir)
string(FIND "${real_found_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR
    "install_consumer: find_package found valkey-cpp in '${found_dir}', not under '${prefix}'")
endif()

run_step("build the consumer" ${CMAKE_COMMAND} --build ${consumer_build} --config ${CONFIG})

# Single-config generators put the program at the top of the build tree, multi-config
# ones in a folder per configuration.
set(exe ${consumer_build}/valkey_consumer)
if(NOT EXISTS ${exe})
  set(exe ${consumer_build}/${CONFIG}/valkey_consumer)
endif()
run_step("run the consumer" ${exe})
message("${step_output}")
# The consumer ends with this line when every check in it held.
if(NOT step_output MATCHES "consumer: OK")
  message(FATAL_ERROR "install_consumer: the consumer exited 0 but did not print 'consumer: OK'")
endif()
message(STATUS "install_consumer: passed")
