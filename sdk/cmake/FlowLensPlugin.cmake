# SPDX-License-Identifier: BSD-2-Clause
# flowlens_add_plugin(<target> [OUTPUT_NAME <name>] <source>...)
# Builds a FlowLens plugin: a MODULE library named <name>.so (no "lib" prefix; <name> defaults to
# <target>), linked against FlowLens::sdk, exporting only the versioned entry point, and linked
# with --no-undefined so a missing symbol fails the build instead of the load. In the FlowLens
# tree the .so goes to FLOWLENS_PLUGIN_OUTPUT_DIR and installs to lib/flowlens/plugins.
include_guard(GLOBAL)

# The function body runs in the caller's directory: remember where this file (and the version
# script beside it) lives now.
set_property(GLOBAL PROPERTY FLOWLENS_SDK_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(flowlens_add_plugin target)
  cmake_parse_arguments(P "" "OUTPUT_NAME" "" ${ARGN})
  if(NOT P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "flowlens_add_plugin(${target}): no sources given")
  endif()
  get_property(sdk_cmake_dir GLOBAL PROPERTY FLOWLENS_SDK_CMAKE_DIR)
  set(version_script ${sdk_cmake_dir}/flowlens_plugin.map)

  add_library(${target} MODULE ${P_UNPARSED_ARGUMENTS})
  target_link_libraries(${target} PRIVATE FlowLens::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS ${version_script})
  if(P_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${P_OUTPUT_NAME})
  endif()
  target_link_options(${target} PRIVATE LINKER:--no-undefined
    LINKER:--version-script=${version_script})

  # flowlensd refuses plugins writable by group or others, which is what a umask of 002 gives.
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND chmod go-w $<TARGET_FILE:${target}> $<TARGET_FILE_DIR:${target}> VERBATIM)

  if(DEFINED FLOWLENS_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${FLOWLENS_PLUGIN_OUTPUT_DIR})
    install(TARGETS ${target} LIBRARY DESTINATION lib/flowlens/plugins COMPONENT plugins)
  endif()
endfunction()
