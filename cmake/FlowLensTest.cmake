# SPDX-License-Identifier: BSD-2-Clause
# flowlens_add_test(NAME SOURCES src... [LIBS lib...] [PRIVILEGED] [LABELS l...] [TIMEOUT s])
# One GoogleTest binary registered as one ctest. PRIVILEGED tests need root (BPF, namespaces,
# dockerd); they skip without it unless FLOWLENS_REQUIRE_PRIVILEGED=1, then they fail.
function(flowlens_add_test name)
  cmake_parse_arguments(T "PRIVILEGED" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  target_compile_definitions(${name} PRIVATE FLOWLENS_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FLOWLENS_TEST_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set(labels ${T_LABELS})
  if(T_PRIVILEGED)
    list(APPEND labels privileged)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "FLOWLENS_SOURCE_DIR=${PROJECT_SOURCE_DIR};FLOWLENS_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
