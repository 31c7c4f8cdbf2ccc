# SPDX-License-Identifier: BSD-2-Clause
# flowlens_add_subdirectories(): adds every direct subfolder that has a CMakeLists.txt, so a new
# component (a core library, a plugin, a test suite) is one new folder and no edit elsewhere.
function(flowlens_add_subdirectories)
  file(GLOB children RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
