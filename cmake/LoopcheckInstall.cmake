# Install rules and the package config: `cmake --install` lays out the headers and static
# libraries of the exported libraries and lib/cmake/loopcheck/, and a consumer's
# `find_package(loopcheck)` gets the targets loopcheck::<name>.
include(CMakePackageConfigHelpers)

# The exported libraries: target loopcheck_<name>, headers loopcheck/<name>/*.hpp, exported as
# loopcheck::<name>. Exporting another library is one more name here; if it needs a package
# the others do not, add its find_dependency to cmake/loopcheckConfig.cmake.in.
set(loopcheck_exported_libraries runtime sim vfs pdict harness fixtures runner handler_log asio_tracking)

set(config_destination ${CMAKE_INSTALL_LIBDIR}/cmake/loopcheck)
# Builds everything `cmake --install` installs, without loopcheck's own programs.
add_custom_target(loopcheck_libraries)
foreach(name IN LISTS loopcheck_exported_libraries)
  set_target_properties(loopcheck_${name} PROPERTIES EXPORT_NAME ${name})
  add_dependencies(loopcheck_libraries loopcheck_${name})
  install(TARGETS loopcheck_${name} EXPORT loopcheckTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/loopcheck/${name}/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/loopcheck/${name}
    FILES_MATCHING PATTERN "*.hpp")
endforeach()

install(EXPORT loopcheckTargets NAMESPACE loopcheck:: DESTINATION ${config_destination})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/loopcheckConfig.cmake.in
  ${PROJECT_BINARY_DIR}/loopcheckConfig.cmake
  INSTALL_DESTINATION ${config_destination})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/loopcheckConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/loopcheckConfig.cmake
  ${PROJECT_BINARY_DIR}/loopcheckConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/BoostTestDiscovery.cmake
  ${CMAKE_CURRENT_LIST_DIR}/BoostTestDiscoverScript.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LoopcheckScenarioRunner.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LoopcheckScenarioDiscover.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LoopcheckSanitizerLogs.cmake
  ${CMAKE_CURRENT_LIST_DIR}/LoopcheckTrackAsio.cmake
  DESTINATION ${config_destination})
