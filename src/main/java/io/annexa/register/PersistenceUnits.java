package io.annexa.register;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.jpa.PersistenceProvider;

/** Opening Annexa's persistence units on a database, and running work in one of their transactions. */
public final class PersistenceUnits {

    private PersistenceUnits() {
    }

    /**
     * Opens {@code unit} of {@code META-INF/annexa-persistence.xml} on a database that {@link DatabaseMigrations#migrate}
     * brought up to date, and connects at once, so a bad database URL fails start-up and not the first write.
     */
    public static EntityManagerFactory open(String unit, DatabaseSettings settings) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PersistenceUnitProperties.ECLIPSELINK_PERSISTENCE_XML, "META-INF/annexa-persistence.xml");
        properties.put(PersistenceUnitProperties.CLASSLOADER, PersistenceUnits.class.getClassLoader());
        properties.put(PersistenceUnitProperties.JDBC_URL, settings.url());
        properties.put(PersistenceUnitProperties.JDBC_USER, settings.user());
        properties.put(PersistenceUnitProperties.JDBC_PASSWORD, settings.password());
        properties.put(PersistenceUnitProperties.JDBC_DRIVER, settings.driver());
        EntityManagerFactory factory = new PersistenceProvider().createEntityManagerFactory(unit, properties);
        if (factory == null) {
            throw new IllegalStateException("persistence unit " + unit + " not found on the class path");
        }
        factory.createEntityManager().close();
        return factory;
    }

    /** Runs work in one transaction: all of it is stored, or none. */
    public static <T> T inTransaction(EntityManagerFactory factory, Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }
}
