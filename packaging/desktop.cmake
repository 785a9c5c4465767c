# Desktop integration and manual pages (included from packaging/CMakeLists.txt).
#
#   share/metainfo/org.natter.Natter.metainfo.xml   AppStream (software centres)
#   share/man/man1/natterd.1 natter-cli.1 natter.1
#
# The desktop file, the icons and the GSettings schema are installed beside the
# targets in gui/CMakeLists.txt (share/applications, share/icons/hicolor,
# share/glib-2.0/schemas). tests/packaging/desktop validates all of them.
if(WIN32)
  return()
endif()

set(NATTER_MAN_DIR ${CMAKE_CURRENT_SOURCE_DIR}/man)
install(FILES ${NATTER_MAN_DIR}/natterd.1 ${NATTER_MAN_DIR}/natter-cli.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

if(NATTER_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/gui/data/org.natter.Natter.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${NATTER_MAN_DIR}/natter.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
